"""The bottom layer: models and every type two layers share, errors, settings, text cleaning,
URL canonical form, periods, atomic file writes, the version. Imports nothing else of pln_reader
(and may import no other folder)."""
