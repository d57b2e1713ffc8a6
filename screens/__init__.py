"""The Textual UI of tui-ft. It calls the engine (`tui_ft`) and never the other way round."""
