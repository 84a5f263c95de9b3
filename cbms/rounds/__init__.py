"""Census rounds in one database: crosswalks between them and what changed."""
