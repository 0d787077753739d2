"""The terminal UI (Textual): app, screens, widgets, dialogs. A face, like cli/: it may import
library/ and core/ only, and nothing below the faces imports it."""
