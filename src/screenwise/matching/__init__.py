"""Pairwise matching: features and scoring algorithms."""
