"""简体中文: the translation table (playground/i18n.py). English key (a str.format template) -> Chinese template with
the same fields. Terms as Chinese ML textbooks use them: 词元 (token), 分词器, 词表, 注意力, 概率, 对数概率, 温度,
束搜索, 嵌入, 提示词, 解码, 采样, 编码器/解码器, 因果语言模型, 掩码语言模型. Model names, tokens, model output,
numbers and code identifiers stay as they are.
"""

ZH_CN: dict[str, str] = {
    # ---- shell -----------------------------------------------------------------------------------
    "Model playground": "模型实验台",
    "Look inside real transformer language models: how text becomes tokens, and what the model does with them. "
    "Pick a model once; every tab uses it.":
        "走进真实的 Transformer 语言模型内部：文本如何变成词元，模型又如何处理这些词元。只需选一次模型，每个标签页都会用它。",
    "Model": "模型",
    "The models that can load here. The catalog below lists the others, and why they cannot.":
        "这里能加载的模型。下方的模型目录列出了其余模型，以及它们无法加载的原因。",
    "Device": "设备",
    "Precision": "精度",
    "auto = float32 (exact numbers)": "auto = float32（数值精确）",
    "Load model": "加载模型",
    "No model can load here.": "这里没有可以加载的模型。",
    "Model catalog: what is here, what is not, and why": "模型目录：有哪些模型、缺哪些，以及原因",
    "Packaged models work with no network. Hub models load when the Hugging Face hub is "
    "reachable or they are in the local cache. To add your own, put a model folder under a "
    "directory listed in `PLAYGROUND_MODEL_DIRS` (see the README). `remote/…` models run on the "
    "OpenAI-compatible servers listed in `PLAYGROUND_REMOTE_URLS`: they send tokens and "
    "log-probabilities, not weights or attentions, so the Attention tab and the logit lens stay local.":
        "随应用打包的模型无需联网即可使用。Hub 模型在能连上 Hugging Face Hub 或已存在本地缓存时才能加载。"
        "要添加自己的模型，把模型文件夹放到 `PLAYGROUND_MODEL_DIRS` 列出的目录下（见 README）。"
        "`remote/…` 模型运行在 `PLAYGROUND_REMOTE_URLS` 列出的 OpenAI 兼容服务器上：服务器只返回词元和对数概率，"
        "不返回权重或注意力，所以“注意力”标签页和 logit lens 只能用本地模型。",
    "Lessons": "课程",
    "Tokenizer": "分词器",
    "Next token": "下一个词元",
    "Decoding": "解码",
    "Prompting": "提示",
    "Attention": "注意力",
    "Embeddings": "嵌入",
    "Bias probes": "偏见探测",
    # the catalog table
    "model": "模型",
    "family": "类别",
    "source": "来源",
    "can do": "能力",
    "status": "状态",
    "available": "可用",
    "unavailable": "不可用",
    "not checked": "尚未检查",
    "{mark}: {reason}": "{mark}：{reason}",
    "remote: {source}": "远程：{source}",
    "packaged": "随应用打包",
    "hub": "Hugging Face Hub",
    "local": "本地文件夹",
    "causal": "因果语言模型",
    "masked": "掩码语言模型",
    "seq2seq": "编码器-解码器",
    "encoder": "编码器",
    "next-token": "下一词元预测",
    "fill-mask": "掩码填充",
    "generation": "文本生成",
    "attention": "注意力",
    "embeddings": "嵌入",
    "classification": "分类",
    "tokenizer": "分词器",
    "can do: {caps}": "能力：{caps}",
    "packaged with the app: works with no network": "随应用打包：无需联网即可使用",
    "local folder": "本地文件夹",
    "its folder is gone or no longer inside the allowed model folders": "它的文件夹已不存在，或已不在允许的模型目录之内",
    "in the local Hugging Face cache": "已在本地 Hugging Face 缓存中",
    "the model hub cannot be reached from here, and this model is not saved on this machine; use a "
    "packaged model (SmolLM2-135M-Instruct, all-MiniLM-L6-v2), or download it once while online "
    "(setting: HF_HUB_OFFLINE=1 keeps the app off the hub; the local Hugging Face cache has no copy)":
        "这里连不上模型 Hub，本机也没有保存这个模型；请使用随应用打包的模型（SmolLM2-135M-Instruct、"
        "all-MiniLM-L6-v2），或在联网时下载一次（设置 HF_HUB_OFFLINE=1 让应用不访问 Hub；本地 Hugging Face 缓存里没有副本）",
    "downloads from the Hugging Face hub on first use (hub not checked yet)":
        "首次使用时从 Hugging Face Hub 下载（尚未检查 Hub）",
    "downloads from the Hugging Face hub on first use": "首次使用时从 Hugging Face Hub 下载",
    "the model hub cannot be reached from here, and this model is not saved on this machine; use a "
    "packaged model (SmolLM2-135M-Instruct, all-MiniLM-L6-v2), or download it once while online "
    "(the Hugging Face hub is unreachable: it did not answer; the local Hugging Face cache has no copy)":
        "这里连不上模型 Hub，本机也没有保存这个模型；请使用随应用打包的模型（SmolLM2-135M-Instruct、"
        "all-MiniLM-L6-v2），或在联网时下载一次（Hugging Face Hub 无法访问：没有应答；本地 Hugging Face 缓存里没有副本）",
    # model descriptions
    "Llama architecture, 30 layers x 9 heads (3 key/value heads), vocab 49,152; Apache-2.0. "
    "Packaged offline as GGUF Q4_1, dequantized once into a float32 safetensors cache.":
        "Llama 架构，30 层 × 9 个头（3 个键/值头），词表 49,152；Apache-2.0 许可。以 GGUF Q4_1 格式随应用离线打包，"
        "首次使用时反量化为 float32 的 safetensors 缓存。",
    "BERT encoder, 6 layers x 12 heads, uncased WordPiece (bert-base-uncased vocab). "
    "Sentence embeddings and attention; no masked-LM head, so no fill-mask.":
        "BERT 编码器，6 层 × 12 个头，不区分大小写的 WordPiece（bert-base-uncased 的词表）。"
        "可做句向量和注意力；没有掩码语言模型头，所以不能做掩码填充。",
    "Gemma-3-270M base, 18 layers x 4 heads, vocab 262k; Gemma licence. Optional.":
        "Gemma-3-270M 基础模型，18 层 × 4 个头，词表 262k；Gemma 许可。可选。",
    "GPT-2 small, 12 layers x 12 heads, byte-level BPE, vocab 50,257.": "GPT-2 small，12 层 × 12 个头，字节级 BPE，词表 50,257。",
    "Distilled GPT-2, 6 layers.": "蒸馏版 GPT-2，6 层。",
    "GPT-2 medium, 24 layers x 16 heads.": "GPT-2 medium，24 层 × 16 个头。",
    "GPT-Neo 125M, local + global attention.": "GPT-Neo 125M，局部 + 全局注意力。",
    "GPT-Neo 1.3B; about 5 GB in float32.": "GPT-Neo 1.3B；float32 下约 5 GB。",
    "BERT base uncased: [CLS], [SEP], [MASK]; WordPiece.": "BERT base（不区分大小写）：[CLS]、[SEP]、[MASK]；WordPiece。",
    "Distilled BERT, 6 layers.": "蒸馏版 BERT，6 层。",
    "RoBERTa base: <mask>, byte-level BPE.": "RoBERTa base：<mask>，字节级 BPE。",
    "DistilBERT fine-tuned for sentiment (SST-2): positive / negative.": "为情感分类（SST-2）微调的 DistilBERT：positive / negative。",
    "T5 small encoder-decoder; SentencePiece; sentinel tokens <extra_id_N>.":
        "T5 small 编码器-解码器；SentencePiece；哨兵词元 <extra_id_N>。",
    "Flan-T5 small: T5 tuned on instructions.": "Flan-T5 small：在指令数据上调优的 T5。",
    "BART base encoder-decoder; byte-level BPE.": "BART base 编码器-解码器；字节级 BPE。",
    "Qwen2.5 0.5B Instruct, 24 layers x 14 heads (2 key/value heads), byte-level BPE, vocab 151,936, chat "
    "template; reads and writes Chinese and English; Apache-2.0.":
        "Qwen2.5 0.5B Instruct，24 层 × 14 个头（2 个键/值头），字节级 BPE，词表 151,936，带对话模板；"
        "能读写中文和英文；Apache-2.0 许可。",
    "BERT base Chinese, 12 layers x 12 heads, WordPiece vocab 21,128: a Chinese character is one token; [MASK].":
        "BERT base 中文版，12 层 × 12 个头，WordPiece 词表 21,128：一个汉字就是一个词元；有 [MASK]。",
    "Tokenizer only (no weights in the folder).": "只有分词器（文件夹里没有权重）。",
    "✅ **{name}** is served by **{url}** ({dialect}): nothing to load here. Tokenizer: {note}.":
        "✅ **{name}** 由 **{url}**（{dialect}）提供：这里无需加载。分词器：{note}。",
    "✅ **{name}** loaded on **{device}** ({dtype}), {params:,.1f} M parameters, in {seconds:.1f} s.":
        "✅ **{name}** 已加载到 **{device}**（{dtype}），{params:,.1f} M 个参数，用时 {seconds:.1f} 秒。",
    # ---- what every tab shares ---------------------------------------------------------------------
    "**Lessons** — click one to fill the inputs and run it:": "**课程**——点击一课，自动填好输入并运行：",
    "Could not run:": "无法运行：",
    "Could not run": "无法运行",
    "Choose a model in the picker at the top.": "请在顶部的模型选择器中选择一个模型。",
    "There is no lesson {lesson!r} in the {tab} tab.": "{tab} 标签页中没有课程 {lesson!r}。",
    "This value": "这个值",
    # fields: the API edge and the sliders' typed values
    "{field} must be text; got {kind}.": "{field} 必须是文本；收到的是 {kind}。",
    "{field} has an invalid character at position {i} (a lone surrogate, U+{code}, "
    "half of an emoji or a symbol that was cut): remove it or paste the text again.":
        "{field} 在第 {i} 个位置有一个无效字符（孤立的代理项 U+{code}，是被截断的表情符号或符号的一半）：请删除它或重新粘贴文本。",
    "{field} has {n:,} characters, {over:,} over the limit of {limit:,}. Shorten it.":
        "{field} 有 {n:,} 个字符，超出上限 {limit:,} 共 {over:,} 个。请缩短。",
    "{field} is empty: type something.": "{field} 为空：请输入内容。",
    "{field} must be true or false; got {got}.": "{field} 必须是 true 或 false；收到的是 {got}。",
    "{field} must be a whole number from {lo} to {hi}; got {got}.": "{field} 必须是 {lo} 到 {hi} 之间的整数；收到的是 {got}。",
    "{field} must be a number from {lo} to {hi}; got {got}.": "{field} 必须是 {lo} 到 {hi} 之间的数；收到的是 {got}。",
    "{field} must be a finite number from {lo} to {hi}; got {got}.": "{field} 必须是 {lo} 到 {hi} 之间的有限数；收到的是 {got}。",
    "{field} must be from {lo} to {hi}; got {got}.": "{field} 必须在 {lo} 到 {hi} 之间；收到的是 {got}。",
    # ---- lessons: the player, the lecture bar, the deck, exports -----------------------------------------
    "**Lesson {n}. What to notice:** {notice}": "**第 {n} 课。留意：** {notice}",
    "**Lesson {n}.": "**第 {n} 课。",
    "\n\n*Offline:* {note}": "\n\n*离线：* {note}",
    "\n\n*Model:* this lesson runs on **{mine}**; the model picker at the top stays on "
    "**{yours}**, which your own runs use. Choose {mine} there to go on with the lesson's model.":
        "\n\n*模型：* 本课运行在 **{mine}** 上；顶部的模型选择器仍是 **{yours}**，你自己的运行会用它。"
        "想继续用本课的模型，请在那里选择 {mine}。",
    "Lesson {key} · {title}": "第 {key} 课 · {title}",
    "Lessons: pick one in the list, or press Next": "课程：从列表中选一课，或按“下一课”",
    "There is no lesson {key}.": "没有第 {key} 课。",
    "Lesson {key} · {title}  ({n} of {total}, {tab})": "第 {key} 课 · {title}（第 {n} 课，共 {total} 课，{tab}）",
    "the previous lesson (Alt+←)": "上一课（Alt+←）",
    "◀ Previous": "◀ 上一课",
    "the next lesson (Alt+→)": "下一课（Alt+→）",
    "Next ▶": "下一课 ▶",
    "All lessons": "全部课程",
    "Projector mode": "投影模式",
    "### Lessons\nEvery lesson opens its tab with the inputs filled in and runs. **Next** and **Previous** (in "
    "the bar above, or Alt+→ / Alt+←) walk a lecture through them in this order. A slide can link straight "
    "to one: add `?lesson=13` to this page's address (`&projector=1` for projector mode, `&lang=zh-CN` or "
    "`&lang=en` for the language).":
        "### 课程\n每一课都会打开对应的标签页，填好输入并运行。用 **下一课** 和 **上一课**（在上方的栏里，或按 Alt+→ / Alt+←）"
        "按这个顺序讲完一堂课。幻灯片可以直接链接到某一课：在本页地址后加上 `?lesson=13`（加 `&projector=1` 进入投影模式，"
        "加 `&lang=zh-CN` 或 `&lang=en` 选择语言）。",
    "### The deck: the lessons shown so far": "### 讲义：目前已展示的课程",
    "No lesson shown yet. Each lesson you open is added to the deck, in the order shown.":
        "还没有展示任何课程。你打开的每一课都会按展示顺序加入讲义。",
    "<b>{n}</b> lesson(s) in the deck so far: {names}": "讲义中目前有 <b>{n}</b> 课：{names}",
    "Export the deck (one HTML file: works with no network and no app)": "导出讲义（一个 HTML 文件：无需联网、无需本应用即可打开）",
    "Deck": "讲义",
    "Empty the deck": "清空讲义",
    "Export this result (HTML for offline use, CSV and JSON of its tables)": "导出本结果（可离线查看的 HTML，以及表格的 CSV 和 JSON）",
    "Exported files": "导出的文件",
    "Nothing to export yet: run something in this tab first.": "还没有可导出的内容：请先在本标签页运行一次。",
    "The deck is empty: open a lesson first (each lesson shown is added to it).": "讲义是空的：请先打开一课（每展示一课就会加入讲义）。",
    # sections
    "Tokens": "词元",
    "Inside the model": "模型内部",
    "Bias": "偏见",
    "More": "更多",
    # ---- Tokenizer tab ---------------------------------------------------------------------------
    "Text": "文本",
    "Type or paste text (any language, emoji, code, HTML…)": "输入或粘贴文本（任何语言、表情符号、代码、HTML……）",
    "Up to {limit:,} characters.": "最多 {limit:,} 个字符。",
    "Add the model's special tokens ([CLS], <s>, …)": "添加模型的特殊词元（[CLS]、<s> 等）",
    "Wrap in the chat template (instruct models)": "套用对话模板（指令模型）",
    "Tokenize": "分词",
    "Click Tokenize or a lesson to see the tokens.": "点击“分词”或某一课，查看词元。",
    "Token table: id, spelling, text, bytes": "词元表：id、写法、文本、字节",
    "Characters vs words vs subwords (lesson 3)": "字符、词与子词（第 3 课）",
    "Side by side: the same text through up to four tokenizers (lesson 4)": "并排对比：同一段文本经过最多四个分词器（第 4 课）",
    "Tokenizers to compare": "要对比的分词器",
    "Compare": "对比",
    "Token counts": "词元数",
    "Ids → text": "id → 文本",
    "Token ids": "词元 id",
    "e.g. 1589, 436, 253": "例如 1589, 436, 253",
    "Decode": "解码",
    "No ids yet.": "还没有 id。",
    "Choose one to {most} models to compare (you chose {n}).": "请选择 1 到 {most} 个模型进行对比（你选了 {n} 个）。",
    # views/tokens.py
    "No tokens: the text is empty. Type something, or click a lesson above.": "没有词元：文本是空的。请输入内容，或点击上方的某一课。",
    "not part of any token": "不属于任何词元",
    "position {position} · id {id} · special token {token}": "位置 {position} · id {id} · 特殊词元 {token}",
    "position {position} · id {id} · {token}": "位置 {position} · id {id} · {token}",
    "one character in {n} byte pieces": "一个字符拆成 {n} 个字节片段",
    "{n} tokens over the same text": "同一段文本上的 {n} 个词元",
    "positions {first}–{last} · ids {ids} · {what} ({tokens})": "位置 {first}–{last} · id {ids} · {what}（{tokens}）",
    "#": "#",
    "id": "id",
    "token (as spelled)": "词元（原始写法）",
    "text it covers": "对应的文本",
    "decoded alone": "单独解码",
    "bytes (hex)": "字节（十六进制）",
    "special": "特殊",
    "yes": "是",
    "byte piece {i}/{n} of {char!r}": "{char!r} 的第 {i}/{n} 个字节片段",
    "characters": "字符",
    "words": "词",
    "tokens": "词元",
    "tokens / word": "词元 / 词",
    "characters / token": "字符 / 词元",
    "vocabulary": "词表大小",
    "byte-level BPE": "字节级 BPE",
    "{n:,} UTF-8 bytes": "{n:,} 个 UTF-8 字节",
    "{n} special token(s) added or typed": "添加或输入了 {n} 个特殊词元",
    "{n} unknown token(s): the vocabulary cannot spell that text": "{n} 个未知词元：词表拼不出这段文本",
    "wrapped in the model's chat template": "已套用模型的对话模板",
    "spans aligned by decoding (this tokenizer gives no offsets)": "片段位置靠解码对齐（这个分词器不提供偏移量）",
    "{model} defines no special tokens.": "{model} 没有定义特殊词元。",
    "Special tokens of {model}": "{model} 的特殊词元",
    "bos token": "句首词元（bos）",
    "eos token": "句尾词元（eos）",
    "unk token": "未知词元（unk）",
    "sep token": "分隔词元（sep）",
    "pad token": "填充词元（pad）",
    "cls token": "分类词元（cls）",
    "mask token": "掩码词元（mask）",
    "additional special tokens": "其他特殊词元",
    "Choose two to four models to compare.": "请选择二到四个模型进行对比。",
    "unknown": "未知",
    ' · <span class="pg-unk-count"><b>{n}</b> unknown ({unk})</span>': ' · <span class="pg-unk-count"><b>{n}</b> 个未知（{unk}）</span>',
    "<b>{tokens:,}</b> tokens · {per_word:.2f} per word · vocabulary {vocab:,}":
        "<b>{tokens:,}</b> 个词元 · 每词 {per_word:.2f} 个 · 词表 {vocab:,}",
    "{tokens:,} tokens<br>{per_word:.2f} / word": "{tokens:,} 个词元<br>每词 {per_word:.2f} 个",
    "Same text, different tokenizers: how many tokens?": "同一段文本，不同的分词器：各有多少个词元？",
    "… {n:,} more": "…… 还有 {n:,} 个",
    "Characters": "字符",
    "Words and punctuation": "词和标点",
    "Subword tokens ({model})": "子词词元（{model}）",
    " (drawn as {n:,} pieces: the byte pieces of one character are drawn as one)": "（画成 {n:,} 块：同一字符的字节片段画成一块）",
    "{n} tokens, in {chars} characters": "{n} 个词元，共 {chars} 个字符",
    "{n} tokens": "{n} 个词元",
    "Words the model splits: {n} of {total} ({whole} stay whole)": "被模型拆开的词：{total} 个中有 {n} 个（{whole} 个保持完整）",
    "byte piece {bytes}": "字节片段 {bytes}",
    "The first {n:,} of {total:,} ids are listed.": "列出了 {total:,} 个 id 中的前 {n:,} 个。",
    "Decoded text": "解码后的文本",
    "token": "词元",
}

from .i18n_zh_lessons import LESSONS  # noqa: E402 (the lessons' part of the same table)

ZH_CN.update(LESSONS)
