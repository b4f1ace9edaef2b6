"""Alembic environment: always run on the connection codeer hands over (never a URL from a config file)."""

from alembic import context

from codeer.model.orm import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
