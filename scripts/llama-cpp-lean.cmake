# Included by llama-cpp-python's build at the end of vendor/llama.cpp's project()
# (CMAKE_PROJECT_llama.cpp_INCLUDE, set by scripts/setup.sh).
# llama-cpp-python forces LLAMA_BUILD_COMMON=ON for its multimodal library (mtmd); tui-ft
# loads only libllama and ggml (converter, quantiser, chat), so with LLAVA_BUILD=OFF the
# common library and the HTTP client vendored for it are minutes of compiling for nothing.
set(LLAMA_BUILD_COMMON OFF CACHE BOOL "llama.cpp common library (not loaded by tui-ft)" FORCE)
