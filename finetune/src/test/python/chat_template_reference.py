#!/usr/bin/env python3
"""Renders the chat templates of src/test/resources/chat-templates/ the way Hugging Face transformers'
apply_chat_template does (jinja2's ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks,
raise_exception as a global, messages / add_generation_prompt / the special tokens as variables) and
writes the texts to golden.json, which JinjaChatTemplateTest compares the JVM's rendering with.

Independent of the project: Debian's python3-jinja2 only (apt-get install python3-jinja2). Run once:
    /usr/bin/python3 finetune/src/test/python/chat_template_reference.py
"""
import json
import os
import sys

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, "..", "resources", "chat-templates")

# The special tokens each checkpoint's tokenizer_config.json names (None: the model has none, and
# transformers leaves the variable undefined).
TOKENS = {
    "qwen2": (None, "<|im_end|>"),
    "llama3": ("<|begin_of_text|>", "<|eot_id|>"),
    "llama2-chat": ("<s>", "</s>"),
    "mistral-instruct": ("<s>", "</s>"),
    "gemma-it": ("<bos>", "<eos>"),
    "phi3": ("<s>", "<|endoftext|>"),
    "zephyr": ("<s>", "</s>"),
}

# Conversations: (name, messages, add_generation_prompt). Contents carry leading/trailing blanks so
# that trim/strip differences show.
CASES = [
    ("user", [{"role": "user", "content": "What is 2 + 2?"}], True),
    ("system_user", [{"role": "system", "content": "You are terse. "}, {"role": "user", "content": " Hi there\n"}], True),
    ("multi_turn", [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Name a colour."},
    ], True),
    ("training_pair", [{"role": "user", "content": "Name a colour."}, {"role": "assistant", "content": " Blue. "}], False),
    ("sentinel_pair", [{"role": "user", "content": "a"}, {"role": "assistant", "content": "\u2063SENTINEL\u2063"}], False),
    ("two_users", [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}], True),
]


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    out = {"jinja2": jinja2.__version__, "python": sys.version.split()[0], "templates": {}}
    for name, (bos, eos) in TOKENS.items():
        with open(os.path.join(DIR, name + ".jinja"), encoding="utf-8") as f:
            template = env.from_string(f.read())
        tokens = {}
        if bos is not None:
            tokens["bos_token"] = bos
        if eos is not None:
            tokens["eos_token"] = eos
        rendered = {}
        for case, messages, agp in CASES:
            try:
                rendered[case] = {"text": template.render(messages=messages, add_generation_prompt=agp, **tokens)}
            except jinja2.exceptions.TemplateError as e:
                rendered[case] = {"error": str(e)}
        out["templates"][name] = {"bos_token": bos, "eos_token": eos, "cases": rendered}
    out["cases"] = [{"name": c, "messages": m, "add_generation_prompt": a} for c, m, a in CASES]
    path = os.path.join(DIR, "golden.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
