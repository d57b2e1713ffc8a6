"""GGUF: convert with llama.cpp's converter, quantise, inspect, verify, Ollama Modelfile."""

from tui_ft.gguf.tools import GGUFError, LlamaCppTools, find_tools

__all__ = ["GGUFError", "LlamaCppTools", "find_tools"]
