"""LLaMA-Factory's `default` chat template, as the jinja text it puts into tokenizers.

LLaMA-Factory 0.9.5 registers `default` as
    user:      "Human: {{content}}" <eos> "\\nAssistant:"
    assistant: "{{content}}" <eos> "\\n"
    system:    "System: {{content}}" <eos> "\\n"
and writes the jinja below into the tokenizer (`Template._get_jinja_template`) with
the demo tokenizer's eos `</s>`. A test checks that the two stay equal.
"""

EOS = "</s>"

DEFAULT_CHAT_TEMPLATE = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% endif %}"
    "{% if system_message is defined %}{{ 'System: ' + system_message + '" + EOS + "' + '\n' }}"
    "{% endif %}"
    "{% for message in loop_messages %}"
    "{% set content = message['content'] %}"
    "{% if message['role'] == 'user' %}"
    "{{ 'Human: ' + content + '" + EOS + "' + '\nAssistant:' }}"
    "{% elif message['role'] == 'assistant' %}"
    "{{ content + '" + EOS + "' + '\n' }}"
    "{% endif %}"
    "{% endfor %}"
)
