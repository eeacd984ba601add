"""Expected BERT (uncased) token ids for tricky strings, from a port of Hugging Face's pure-Python tokenizer.

Ports transformers' models/bert/tokenization_bert.py (BasicTokenizer + WordpieceTokenizer) and the part of
PreTrainedTokenizer.tokenize that splits on special tokens first and lowercases the rest one character at a time.
Runs on the real vocabulary at /work/shared/data/bert-base-uncased-vocab.txt (never committed); writes only
tokenization_bert_uncased.json (texts, token strings, ids, decoded text). Also writes tokenization_roberta_tiny.json:
a tiny byte-level BPE vocabulary and merges with the ids a port of GPT-2's bpe() gives for a few texts.

    cd tests/AuxLosses.Models.Tests/Fixtures && /usr/bin/python3 generate_tokenization.py
"""
import json
import os
import re
import sys
import unicodedata

VOCAB = os.environ.get("BERT_VOCAB", "/work/shared/data/bert-base-uncased-vocab.txt")
SPECIAL = ["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"]


def load_vocab(path):
    vocab = {}
    with open(path, "r", encoding="utf-8") as reader:
        for index, token in enumerate(reader.readlines()):
            vocab[token.rstrip("\n")] = index
    return vocab


def whitespace_tokenize(text):
    text = text.strip()
    return text.split() if text else []


def _is_whitespace(char):
    if char in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(char) == "Zs"


def _is_control(char):
    if char in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(char).startswith("C")


def _is_punctuation(char):
    cp = ord(char)
    if (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126):
        return True
    return unicodedata.category(char).startswith("P")


def _is_chinese_char(cp):
    return (
        (0x4E00 <= cp <= 0x9FFF)
        or (0x3400 <= cp <= 0x4DBF)
        or (0x20000 <= cp <= 0x2A6DF)
        or (0x2A700 <= cp <= 0x2B73F)
        or (0x2B740 <= cp <= 0x2B81F)
        or (0x2B820 <= cp <= 0x2CEAF)
        or (0xF900 <= cp <= 0xFAFF)
        or (0x2F800 <= cp <= 0x2FA1F)
    )


class BasicTokenizer:
    def __init__(self, do_lower_case=True, never_split=None, tokenize_chinese_chars=True, strip_accents=None):
        self.do_lower_case = do_lower_case
        self.never_split = set(never_split or [])
        self.tokenize_chinese_chars = tokenize_chinese_chars
        self.strip_accents = strip_accents

    def tokenize(self, text):
        text = self._clean_text(text)
        if self.tokenize_chinese_chars:
            text = self._tokenize_chinese_chars(text)
        text = unicodedata.normalize("NFC", text)
        split_tokens = []
        for token in whitespace_tokenize(text):
            if token not in self.never_split:
                if self.do_lower_case:
                    token = token.lower()
                    if self.strip_accents is not False:
                        token = self._run_strip_accents(token)
                elif self.strip_accents:
                    token = self._run_strip_accents(token)
            split_tokens.extend(self._run_split_on_punc(token))
        return whitespace_tokenize(" ".join(split_tokens))

    @staticmethod
    def _run_strip_accents(text):
        text = unicodedata.normalize("NFD", text)
        return "".join(c for c in text if unicodedata.category(c) != "Mn")

    def _run_split_on_punc(self, text):
        if text in self.never_split:
            return [text]
        output = []
        start_new_word = True
        for char in text:
            if _is_punctuation(char):
                output.append([char])
                start_new_word = True
            else:
                if start_new_word:
                    output.append([])
                start_new_word = False
                output[-1].append(char)
        return ["".join(x) for x in output]

    @staticmethod
    def _tokenize_chinese_chars(text):
        output = []
        for char in text:
            if _is_chinese_char(ord(char)):
                output.extend([" ", char, " "])
            else:
                output.append(char)
        return "".join(output)

    @staticmethod
    def _clean_text(text):
        output = []
        for char in text:
            cp = ord(char)
            if cp == 0 or cp == 0xFFFD or _is_control(char):
                continue
            output.append(" " if _is_whitespace(char) else char)
        return "".join(output)


class WordpieceTokenizer:
    def __init__(self, vocab, unk_token="[UNK]", max_input_chars_per_word=100):
        self.vocab = vocab
        self.unk_token = unk_token
        self.max_input_chars_per_word = max_input_chars_per_word

    def tokenize(self, text):
        output_tokens = []
        for token in whitespace_tokenize(text):
            chars = list(token)
            if len(chars) > self.max_input_chars_per_word:
                output_tokens.append(self.unk_token)
                continue
            is_bad = False
            start = 0
            sub_tokens = []
            while start < len(chars):
                end = len(chars)
                cur_substr = None
                while start < end:
                    substr = "".join(chars[start:end])
                    if start > 0:
                        substr = "##" + substr
                    if substr in self.vocab:
                        cur_substr = substr
                        break
                    end -= 1
                if cur_substr is None:
                    is_bad = True
                    break
                sub_tokens.append(cur_substr)
                start = end
            output_tokens.extend([self.unk_token] if is_bad else sub_tokens)
        return output_tokens


def split_on_special(text):
    """PreTrainedTokenizer.tokenize: special tokens are cut out first and never lowercased or split."""
    pieces = [text]
    for special in SPECIAL:
        next_pieces = []
        for piece in pieces:
            if piece in SPECIAL:
                next_pieces.append(piece)
                continue
            parts = piece.split(special)
            for i, part in enumerate(parts):
                if i > 0:
                    next_pieces.append(special)
                next_pieces.append(part)
        pieces = next_pieces
    return [p for p in pieces if p != ""]


def tokenize(text, basic, wordpiece):
    tokens = []
    for piece in split_on_special(text):
        if piece in SPECIAL:
            tokens.append(piece)
            continue
        # do_lower_case: the slow tokenizer lowercases each non-special character on its own (re.sub over
        # "(.+?)"), so Greek final sigma is never produced; BasicTokenizer lowercases again (a no-op).
        piece = "".join(c.lower() for c in piece)
        for word in basic.tokenize(piece):
            tokens.extend(wordpiece.tokenize(word))
    return tokens


def decode(tokens):
    """convert_tokens_to_string + clean_up_tokenization (skip_special_tokens=True)."""
    text = " ".join(t for t in tokens if t not in SPECIAL).replace(" ##", "").strip()
    for a, b in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                 (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")]:
        text = text.replace(a, b)
    return text


CASES = [
    "Hello, World!",
    "The quick brown fox jumps over the lazy dog.",
    "Café déjà vu — naïve résumé façade Ångström",
    "ÀÉÎÕÜ àéîõü Ççñ",
    "e\u0301 decomposed vs \u00e9 composed",
    "I love this 😀😂🔥 so much!!! ❤️",
    "emoji👍inside a word",
    "中文字符测试 and 日本語のテキスト",
    "한국어 텍스트 처리",
    "Check https://t.co/AbC123?x=1&y=2 and www.example.com/path",
    "@user_name1 said: #hashtag $100 50% off!!! (really?) [yes] {no} <tag> a|b ~tilde ^caret `tick` under_score",
    "a" * 101,
    "b" * 100,
    "Pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism",
    "tab\there\nnew line\r\ncarriage\u00a0nbsp\u2003emspace\u3000ideo\u2028linesep",
    "ctrl\x00chars\x07bell\x1bescape\ufffdreplacement\u200bzwsp\u200dzwj\u00adsoft",
    "MiXeD CaSe WoRdS and ALLCAPS",
    "ΟΔΟΣ Ελληνικά σοφία İstanbul straße ß",
    "don't can't won't I'm you're it's",
    "numbers 3.14159 1,000,000 2024-01-01 12:30pm",
    "Ｆｕｌｌｗｉｄｔｈ ｌｅｔｔｅｒｓ and ﬁ ligature",
    "Arabic: مرحبا بالعالم Hebrew: שלום עולם",
    "Hindi: नमस्ते दुनिया Thai: สวัสดีชาวโลก",
    "hello [MASK] world [SEP] second [CLS] x [unk]",
    "   leading and trailing spaces   ",
    "",
    "...!!!???",
    "“smart quotes” ‘single’ … ellipsis – en dash",
    "Math: ∑ ∫ √ ≠ ≤ ≥ ∞ π ° ± × ÷",
    "𝐁𝐨𝐥𝐝 𝑖𝑡𝑎𝑙𝑖𝑐 math letters",
    "a" * 50 + "😀" * 30,
    "x" + "\u0301" * 120,
]

PAIRS = [
    ["A short first segment.", "And a much longer second segment that will be truncated first."],
    ["This first segment is deliberately long so truncation trims it before the second one does.", "Short."],
]


# ---- RoBERTa byte-level BPE (GPT-2 encoder.py / transformers tokenization_roberta.py) on a tiny vocabulary ----

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


# GPT-2's pattern with \p{L} / \p{N} spelled for the stdlib re (enough for the ASCII-plus-accents test strings).
GPT2_PAT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")


def bpe(token, ranks):
    word = tuple(token)
    while len(word) > 1:
        pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
        best = min(pairs, key=lambda p: ranks.get(p, float("inf")))
        if best not in ranks:
            break
        first, second = best
        new_word, i = [], 0
        while i < len(word):
            if i < len(word) - 1 and word[i] == first and word[i + 1] == second:
                new_word.append(first + second)
                i += 2
            else:
                new_word.append(word[i])
                i += 1
        word = tuple(new_word)
    return list(word)


def roberta_tiny():
    byte_encoder = bytes_to_unicode()
    merges = ["h e", "l l", "he ll", "hell o", "\u0120 w", "o r", "\u0120w or", "\u0120wor l", "\u0120worl d",
              "\u0120 t", "\u0120t h", "\u0120th e", "i n", "\u0120 in", "\u0120in g", "e r", "\u0120 l", "o w",
              "\u0120l ow", "\u0120low er", "e s", "es t", "! !", "\u00c3 \u00a9", "c a", "ca f", "caf \u00c3\u00a9"]
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for b in range(256):
        vocab.setdefault(byte_encoder[b], len(vocab))
    for m in merges:
        vocab.setdefault(m.replace(" ", ""), len(vocab))
    vocab["<mask>"] = len(vocab)
    ranks = {tuple(m.split(" ")): i for i, m in enumerate(merges)}
    texts = ["hello world", "Hello world!!", "the lower lowest", " leading space", "caf\u00e9 in the world",
             "tabs\tand  double  spaces", "x's we'll I'm", "numbers 12345 and _under_", ""]
    cases = []
    for text in texts:
        ids = []
        for piece in GPT2_PAT.findall(text):
            mapped = "".join(byte_encoder[b] for b in piece.encode("utf-8"))
            ids.extend(vocab[t] for t in bpe(mapped, ranks))
        cases.append({"text": text, "ids": ids})
    return {"vocab": vocab, "merges": ["#version: 0.2"] + merges, "cases": cases}


def main():
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tokenization_roberta_tiny.json"), "w", encoding="utf-8") as f:
        json.dump(roberta_tiny(), f, ensure_ascii=True, indent=1)
    if not os.path.exists(VOCAB):
        sys.exit(f"vocabulary not found: {VOCAB}")
    vocab = load_vocab(VOCAB)
    basic = BasicTokenizer(do_lower_case=True, never_split=SPECIAL)
    wordpiece = WordpieceTokenizer(vocab)
    cases = []
    for text in CASES:
        tokens = tokenize(text, basic, wordpiece)
        ids = [vocab[t] for t in tokens]
        cases.append({"text": text, "tokens": tokens, "ids": ids, "decoded": decode(tokens)})
    pairs = []
    for first, second in PAIRS:
        a = [vocab[t] for t in tokenize(first, basic, wordpiece)]
        b = [vocab[t] for t in tokenize(second, basic, wordpiece)]
        pairs.append({"first": first, "second": second, "first_ids": a, "second_ids": b})
    out = {
        "source": "port of transformers BertTokenizer (BasicTokenizer + WordpieceTokenizer), bert-base-uncased vocab",
        "unicode_version": unicodedata.unidata_version,
        "cls_id": vocab["[CLS]"], "sep_id": vocab["[SEP]"], "pad_id": vocab["[PAD]"], "unk_id": vocab["[UNK]"],
        "cases": cases,
        "pairs": pairs,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tokenization_bert_uncased.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=True, indent=1)
    print(f"wrote {path}: {len(cases)} cases, {len(pairs)} pairs")


if __name__ == "__main__":
    main()
