"""Bilingual text the demo tokenizer is trained on (fixed, so the vocabulary is reproducible)."""

from __future__ import annotations

from tui_ft.demo.identity import IDENTITY_RECORDS

GENERAL = [
    "1+1等于2。",
    "1 + 1 = 2.",
    "2+2等于4，3+5等于8。",
    "What is 1+1? It is 2.",
    "天空为什么是蓝色的？因为大气中的分子对蓝光的散射更强，这叫瑞利散射。",
    "Why is the sky blue? Because air scatters blue light more than red light.",
    "今天天气很好，我们去公园散步吧。",
    "The weather is nice today, let us take a walk.",
    "机器学习是人工智能的一个分支。",
    "Machine learning is a branch of artificial intelligence.",
    "大语言模型可以回答问题、写文章和翻译。",
    "Large language models can answer questions.",
    "微调让模型学会新的知识和说话方式。",
    "Fine-tuning teaches a model new knowledge and style.",
    "北京是中国的首都。",
    "Paris is the capital of France.",
    "水在一百摄氏度沸腾。",
    "Water boils at one hundred degrees Celsius.",
    "请把这句话翻译成英文。",
    "Please translate this sentence into Chinese.",
    "谢谢你的帮助！",
    "Thank you for your help!",
    "训练损失在下降，模型正在学习。",
    "The training loss is going down; the model is learning.",
    "你好，世界！",
    "Hello, world!",
    "我喜欢读书和写代码。",
    "I like reading books and writing code.",
    "春夏秋冬，一年有四个季节。",
    "There are four seasons in a year.",
    "0 1 2 3 4 5 6 7 8 9",
    "一 二 三 四 五 六 七 八 九 十",
    "A B C D E F G H I J K L M",
    "the quick brown fox jumps over the lazy dog",
    "问题 回答 模型 数据 训练 评估 导出 助手",
]

NAMES = ["TinyFT", "tui-ft", "Qwen", "ChatGPT", "LLaMA-Factory", "{{name}}", "{{author}}"]


def corpus_lines() -> list[str]:
    lines: list[str] = []
    for instruction, output in IDENTITY_RECORDS:
        lines.append(instruction)
        lines.append(output)
        for name in NAMES[:2]:
            lines.append(output.replace("{{name}}", name).replace("{{author}}", NAMES[1]))
    lines.extend(GENERAL)
    lines.extend(f"Human: {n}\nAssistant: System:" for n in NAMES)
    return lines
