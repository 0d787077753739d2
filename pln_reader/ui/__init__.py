"""The terminal UI (Textual). The core (pln_reader.library and below) never imports it."""
