"""Sentences and lemmas through spaCy, with one pipeline per language built once per process."""

from codeer.nlp.pipeline import get_pipeline, lemmatize, prepare_sentences, sentence_offsets

__all__ = ["get_pipeline", "lemmatize", "prepare_sentences", "sentence_offsets"]
