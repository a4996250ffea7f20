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
    "Tokenizer ready": "分词器已就绪",
    "{name} (hub)": "{name}（Hub）",
    "{name} (checking)": "{name}（检查中）",
    "{name} (unavailable)": "{name}（不可用）",
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
    "true/false": "true/false",
    "a number": "数",
    "a list": "列表",
    "an object": "对象",
    "nothing (null)": "空值（null）",
    # fields: the API edge and the sliders' typed values
    "{field} must be text; got {kind}.": "“{field}”必须是文本；收到的是 {kind}。",
    "{field} has an invalid character at position {i} (a lone surrogate, U+{code}, "
    "half of an emoji or a symbol that was cut): remove it or paste the text again.":
        "“{field}”在第 {i} 个位置有一个无效字符（孤立的代理项 U+{code}，是被截断的表情符号或符号的一半）：请删除它或重新粘贴文本。",
    "{field} has {n:,} characters, {over:,} over the limit of {limit:,}. Shorten it.":
        "“{field}”有 {n:,} 个字符，超出上限 {limit:,} 共 {over:,} 个。请缩短。",
    "{field} is empty: type something.": "“{field}”为空：请输入内容。",
    "{field} must be true or false; got {got}.": "“{field}”必须是 true 或 false；收到的是 {got}。",
    "{field} must be a whole number from {lo} to {hi}; got {got}.": "“{field}”必须是 {lo} 到 {hi} 之间的整数；收到的是 {got}。",
    "{field} must be a number from {lo} to {hi}; got {got}.": "“{field}”必须是 {lo} 到 {hi} 之间的数；收到的是 {got}。",
    "{field} must be a finite number from {lo} to {hi}; got {got}.": "“{field}”必须是 {lo} 到 {hi} 之间的有限数；收到的是 {got}。",
    "{field} must be from {lo} to {hi}; got {got}.": "“{field}”必须在 {lo} 到 {hi} 之间；收到的是 {got}。",
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
    # the exported files
    "{app}: {title}": "{app}：{title}",
    "Model playground: the lessons shown": "模型实验台：已展示的课程",
    "{n} lesson(s), in the order they were shown. ← and → move from one to the next.":
        "共 {n} 课，按展示的顺序排列。用 ← 和 → 在各课之间切换。",
    "{key}: {value}": "{key}：{value}",
    "tab": "标签页",
    "Save this table:": "保存这个表格：",
    "No lesson has been shown yet: open one in the Lessons view first.": "还没有展示过任何一课：请先在“课程”视图中打开一课。",
    "previous (←)": "上一课（←）",
    "next (→)": "下一课（→）",
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
    # ---- Next token tab ------------------------------------------------------------------------
    "Language": "语言",
    "Prompt": "提示词",
    "Type the start of a text. For a masked LM, put [MASK] where the missing word goes.":
        "输入一段文本的开头。对掩码语言模型，在缺词的位置放 [MASK]。",
    "Causal LMs predict the token after it; masked LMs the token at [MASK]; seq2seq models the next decoder token.":
        "因果语言模型预测它后面的词元；掩码语言模型预测 [MASK] 处的词元；编码器-解码器模型预测下一个解码器词元。",
    "Predict the next token": "预测下一个词元",
    "Chart shows": "图表显示",
    "logit": "logit",
    "log-probability": "对数概率",
    "Top k": "Top k",
    "How many tokens to list.": "列出多少个词元。",
    "Temperature T": "温度 T",
    "softmax(logits / T), re-shaped live; 0 = argmax.": "softmax(logits / T)，实时重算；0 = argmax。",
    "Options: which mask, decoder prefix": "选项：哪个掩码、解码器前缀",
    "Mask number (masked LMs with several masks)": "掩码序号（有多个掩码的掩码语言模型）",
    "Decoder prefix (encoder-decoder models such as T5)": "解码器前缀（T5 等编码器-解码器模型）",
    "e.g. La maison": "例如 La maison",
    "Click Predict or a lesson to see what the model expects next.": "点击“预测”或某一课，看看模型接下来期待什么。",
    "Entropy vs temperature": "熵随温度的变化",
    "Top-k table": "Top-k 表",
    "Best guess after every prefix (lesson 6)": "每个前缀之后的最佳猜测（第 6 课）",
    "Your continuations: how likely is each word here?": "你的续写：每个词出现在这里的概率有多大？",
    "Continuations": "续写",
    "One per line, or separated by commas. A word of several tokens is scored by the chain rule.":
        "每行一个，或用逗号分隔。由多个词元组成的词按链式法则打分。",
    "Start each with a space": "每个前面加一个空格",
    "Score them": "打分",
    "Logit lens: the prediction layer by layer (causal models)": "Logit lens：逐层的预测（因果语言模型）",
    "Each row applies the model's final norm and unembedding to one layer's hidden state: what the "
    "model would predict if it stopped there. Up to the last {n} positions.":
        "每一行把模型最后的归一化层和反嵌入（unembedding）用在某一层的隐藏状态上：如果模型在那一层停下，它会预测什么。"
        "最多显示最后 {n} 个位置。",
    "Run the logit lens": "运行 logit lens",
    "Logit lens": "Logit lens",
    "Two prompts side by side (lesson 8)": "两个提示词并排对比（第 8 课）",
    "Prompt B": "提示词 B",
    "Compare A and B": "对比 A 和 B",
    "A vs B": "A 与 B",
    "The prompt has {n:,} characters; the limit is {limit:,}. Shorten it (only its last tokens would be read anyway).":
        "提示词有 {n:,} 个字符，上限是 {limit:,}。请缩短（反正也只会读它最后的那些词元）。",
    "The logit lens reads every layer's hidden state: {why}.": "logit lens 需要读取每一层的隐藏状态：{why}。",
    # views/next_token.py
    "rank": "排名",
    "cumulative": "累计",
    "p at T = 1": "T = 1 时的 p",
    "pos": "位置",
    "prefix (end)": "前缀（结尾）",
    "best guess": "最佳猜测",
    "p(best)": "p(最佳)",
    "actual next": "实际的下一个",
    "p(actual)": "p(实际)",
    "surprise (bits)": "意外度（比特）",
    "continuation": "续写",
    "log-prob": "对数概率",
    "scored as": "打分方式",
    "rank of first token": "首个词元的排名",
    "after the prompt": "在提示词之后",
    "next decoder token": "下一个解码器词元",
    "probability": "概率",
    "probability at T = {t:g}": "T = {t:g} 时的概率",
    " (approximate: over the tokens sent)": "（近似：只在发送来的词元上计算）",
    "logit (raw score before softmax; divided by T = {t:g} before it)": "logit（softmax 之前的原始分数；之前先除以 T = {t:g}）",
    "logit (raw score before softmax)": "logit（softmax 之前的原始分数）",
    "log-probability at T = 1 (the server sends no logits; they differ from these by one constant)":
        "T = 1 时的对数概率（服务器不发送 logits；logits 与它们只差一个常数）",
    "log-probability (natural log) at T = {t:g}": "T = {t:g} 时的对数概率（自然对数）",
    "log-probability (natural log)": "对数概率（自然对数）",
    "not sent": "未发送",
    "T = 1 (outline)": "T = 1（轮廓）",
    "the vocabulary": "整个词表",
    "Next token {where}: top {k} of {vocab}": "下一个词元（{where}）：{vocab} 个中的前 {k} 个",
    "<br><sup>the server sent {sent}; the rest is not sent</sup>": "<br><sup>服务器发送了 {sent} 个；其余没有发送</sup>",
    "The entropy needs every token's probability;<br>the server sent its top {sent} only.":
        "熵需要每个词元的概率；<br>服务器只发送了前 {sent} 个。",
    "Entropy: not known": "熵：未知",
    "entropy": "熵",
    "bits": "比特",
    "now": "当前",
    "temperature T": "温度 T",
    "entropy (bits)": "熵（比特）",
    "Uncertainty vs temperature": "不确定性随温度的变化",
    "(the rest: not sent)": "（其余：未发送）",
    "shape of the logits: (batch, positions, vocabulary)": "logits 的形状：(batch, positions, vocabulary)",
    "top token, {p}": "最高的词元，{p}",
    "held by the top {k}": "前 {k} 个所占的概率",
    "as uncertain as this many equally likely tokens": "不确定程度相当于这么多个等可能的词元",
    "Σ p over all {vocab:,} tokens": "全部 {vocab:,} 个词元的 Σ p",
    "an unknown number of": "未知数量的",
    " (approximate)": "（近似）",
    "not known": "未知",
    "{sent} of {vocab}": "{vocab} 个中的 {sent} 个",
    "tokens the server sent; the rest is not sent": "服务器发送的词元；其余没有发送",
    "held by the tokens not sent": "未发送的词元所占的概率",
    " (known at T = 1 only)": "（只在 T = 1 时已知）",
    "entropy: it needs every token's probability": "熵：需要每个词元的概率",
    "Σ p over the {sent} tokens sent": "发送来的 {sent} 个词元的 Σ p",
    "position {position}, id {id}": "位置 {position}，id {id}",
    "{model} reads {n} tokens": "{model} 读入 {n} 个词元",
    " (encoder):": "（编码器）：",
    "decoder so far, predicting the next decoder token:": "解码器目前的输入，预测下一个解码器词元：",
    "; predicting {where}:": "；预测{where}的词元：",
    ", predicting the next:": "，预测下一个：",
    "The best guess after every prefix needs the model's distribution at every position; a "
    "server sends the next token's top tokens only.":
        "每个前缀之后的最佳猜测需要模型在每个位置上的分布；服务器只发送下一个词元的前几名。",
    "The best guess after every prefix is for models that read left to right (causal LMs, and the "
    "decoder of seq2seq models). A masked LM sees the whole sentence at once.":
        "每个前缀之后的最佳猜测只适用于从左到右读的模型（因果语言模型，以及编码器-解码器模型的解码器）。掩码语言模型一次看到整个句子。",
    "the start token: the model reads it first, so it predicts the first word too": "起始词元：模型最先读它，所以第一个词也是它预测的",
    "position 0: the model sees no token before it": "位置 0：模型在它之前看不到任何词元",
    "the start token": "起始词元",
    "after {after}: the model expected {best!r} ({best_p}); {token!r} had {p}, rank {rank:,} "
    "({bits:.1f} bits of surprise)":
        "在 {after} 之后：模型期待的是 {best!r}（{best_p}）；{token!r} 的概率是 {p}，排第 {rank:,}（意外度 {bits:.1f} 比特）",
    "the model's guess for the next token": "模型对下一个词元的猜测",
    "expected (p ≈ 1)": "意料之中（p ≈ 1）",
    "1 in 8": "八分之一",
    "1 in 64": "六十四分之一",
    "1 in 4096 or rarer": "四千零九十六分之一或更罕见",
    "Colour = surprise of each token given the ones before it:": "颜色 = 给定前面的词元时，每个词元的意外程度：",
    "next guess": "下一个猜测",
    "(start)": "（开头）",
    "(end of prompt)": "（提示词结束）",
    "probability (log scale)": "概率（对数坐标）",
    " (* = several tokens, chain rule)": "（* = 多个词元，按链式法则）",
    "Your continuations": "你的续写",
    "not in top": "不在前列",
    "probability of the next token": "下一个词元的概率",
    "The same tokens after each prompt": "同一批词元在两个提示词之后的概率",
    "{bits:.2f} bits": "{bits:.2f} 比特",
    "not known (top tokens only)": "未知（只有前几名的词元）",
    "entropy {value}": "熵 {value}",
    "Both prompts lead to the same top token.": "两个提示词得到同一个最高的词元。",
    "The top prediction changed.": "最高的预测变了。",
    "<b>{layer}</b>, after {token} (position {position})<br>": "<b>{layer}</b>，在 {token} 之后（位置 {position}）<br>",
    "one token": "单个词元",
    " after the start token": "（起始词元之后）",
    "T = 0 is the limit of ever smaller temperatures: all the probability goes to the top "
    "token (argmax, what greedy decoding picks).":
        "T = 0 是温度不断变小的极限：全部概率都给了最高的那个词元（argmax，也就是贪心解码会选的）。",
    "Logit lens: what {model} would predict after each layer": "Logit lens：{model} 在每一层之后会预测什么",
    "The last row is the model's own output: it differs from the model's logits by at most {diff:.1e}.":
        "最后一行就是模型自己的输出：它与模型的 logits 最多相差 {diff:.1e}。",
    # ---- the other tabs' components --------------------------------------------------------------
    "**First the textbook's example**: `self_attention(Q, K, V)` on three tokens, as the chapter computes it in numpy (edit the matrices: one row per token), then the same with ÷√d.":
        "**先看教材的例子**：在三个词元上计算 `self_attention(Q, K, V)`，与章节中用 numpy 的算法相同（可以编辑矩阵：每个词元一行），然后再做一次带 ÷√d 的。",
    "As it reads (' king' with its space for GPT-style BPE) or as the vocabulary spells it ('##ing', 'Ġking').":
        "按模型读入的样子（GPT 式 BPE 要带空格，如 ' king'），或按词表中的写法（'##ing'、'Ġking'）。",
    "Back to the book's matrices": "恢复教材中的矩阵",
    "Compute the book's example": "计算教材中的例子",
    "One step re-run through generate()'s own logits processors, in the order generate() applies them. The step first shown is the first one where the model's favourite was not taken.":
        "把某一步按 generate() 应用处理器的顺序，重新经过它自己的 logits 处理器。最先显示的是第一个没有选模型最看好词元的那一步。",
    "One token's vectors, number by number": "一个词元的各个向量，逐个数值",
    "One token, with its leading space (' night').": "一个词元，带前导空格（' night'）。",
    "Sentences (each with the word; '# sense' lines group them)": "句子（每句都含这个词；以 '# 词义' 开头的行用来分组）",
    "The model's own top 10 per group (first template)": "模型自己给每组的前 10 名（第一个模板）",
    "The row's numbers": "这一行的数值",
    "Token embeddings: a token's row and its nearest tokens": "词元嵌入：一个词元的行，以及离它最近的词元",
    "Token set (commas; '# name' lines start a group)": "词元集合（用逗号分隔；以 '# 名称' 开头的行开始一个新组）",
    "Two models side by side (the picker's model is A)": "两个模型并排对比（选择器中的模型是 A）",
    "auto: the model's own recipe (MiniLM: mean)": "auto：模型自己的做法（MiniLM：平均）",
    "bertviz head view (interactive: layer menu, click a head's colour, hover a token)":
        "bertviz head view（可交互：层菜单、点击头的颜色、悬停在词元上）",
    "empty: the model's default": "留空：模型的默认值",
    "empty: the model's own output": "留空：模型自己的输出",
    "empty: the model's top token": "留空：模型最看好的词元",
    "### Evaluation on a labelled data set": "### 在带标签的数据集上评估",
    "### Fill the blank": "### 填空",
    "### One input: the prompt, the label scores, the continuation": "### 单个输入：提示词、标签得分、续写",
    "### Probe: templates × groups × target words": "### 探测：模板 × 群体 × 目标词",
    "**Order sensitivity**: the same demonstrations in several orders.": "**顺序敏感性**：同样的示例，换几种顺序。",
    "0 = off": "0 = 关闭",
    "1 = off": "1 = 关闭",
    "> 0 with top_k ≥ 2: contrastive search": "> 0 且 top_k ≥ 2：对比搜索",
    "A is the knobs above; B is A with this strategy.": "A 是上面的参数；B 是换成这个策略的 A。",
    "A vs B, template by template": "A 与 B，逐个模板对比",
    "Accuracy": "准确率",
    "Also measure accuracy on this many examples of the data set below (0: off)": "同时在下面数据集的这么多条样本上测准确率（0：关闭）",
    "Also write the greedy continuation": "同时写出贪心续写",
    "Answers": "答案",
    "At most this many examples": "最多这么多条样本",
    "Attention rollout across layers": "跨层的注意力 rollout",
    "B: strategy": "B：策略",
    "B: temperature (when B samples)": "B：温度（B 采样时）",
    "Bad words": "禁用词",
    "Baseline token": "基线词元",
    "Beam search hypotheses": "束搜索的假设",
    "Beam tree": "束搜索树",
    "Build it by hand": "手工构建",
    "Bundled in assets/datasets/, or upload your own.": "随应用附带在 assets/datasets/ 中，也可以上传你自己的。",
    "Bundled sets (assets/probes/); every box below is editable.": "随应用附带的集合（assets/probes/）；下面的每个框都可以编辑。",
    "By hand": "手算",
    "CSV with columns text,label (UTF-8, up to 1 MB)": "包含“text”和“label”两列的 CSV（UTF-8，最大 1 MB）",
    "Causal and seq2seq models score the label after it; masked LMs at its [MASK].":
        "因果语言模型和编码器-解码器模型在它后面给标签打分；掩码语言模型在它的 [MASK] 处打分。",
    "Chat template": "对话模板",
    "Compare the families": "对比三类模型",
    "Compare the sentences": "比较这些句子",
    "Compute it by hand": "手算一遍",
    "Compute": "计算",
    "Confusion matrix": "混淆矩阵",
    "Contextual calibration": "上下文校准",
    "Contextual embeddings: the same word, sentence by sentence, layer by layer": "上下文嵌入：同一个词，逐句、逐层",
    "Data set": "数据集",
    "Decoder text (T5, BART)": "解码器文本（T5、BART）",
    "Demonstrations (add rows at the bottom)": "示例（在底部添加行）",
    'Divide by the label probabilities of the input "N/A".': "除以输入为 “N/A” 时各标签的概率。",
    "Draw the map": "画出地图",
    "Draw the model view": "画出 model view",
    "Draw the neuron view": "画出 neuron view",
    "Encoder-decoder input": "编码器-解码器的输入",
    "Evaluate": "评估",
    "Every cell": "每个单元格",
    "Every head of the layer": "这一层的每个头",
    "Every head": "每个头",
    "Every score": "每个得分",
    "Every step: probability, rank and alternatives": "每一步：概率、排名和备选词元",
    "Families": "三类模型",
    "Few-shot uses the demonstrations above; classifier: a fine-tuned model.": "少样本使用上面的示例；分类器：一个微调过的模型。",
    "Few-shot: instruction and demonstrations": "少样本：指令和示例",
    "Fill": "填空",
    "Find the answer": "查找答案",
    "Fine-tuned classifier": "微调过的分类器",
    "First layer input": "第一层的输入",
    "Follow the word": "跟踪这个词",
    "From layer": "起始层",
    "Generate": "生成",
    "Group A": "群体 A",
    "Group B": "群体 B",
    "Groups (lines or commas)": "群体（每行一个或用逗号分隔）",
    "Head (from 0)": "头（从 0 开始）",
    "Heatmap colour": "热力图颜色",
    "Hide special tokens and the first-token sink": "隐藏特殊词元和首词元的注意力汇聚",
    "How much each position draws on each input token through layers 0 to the chosen layer, counting the residual path (Abnar & Zuidema, 2020).":
        "从第 0 层到所选层，每个位置从每个输入词元汲取了多少信息，残差连接也计算在内（Abnar & Zuidema, 2020）。",
    "Input": "输入",
    "Instruction (first line of the prompt)": "指令（提示词的第一行）",
    "Integrated-gradients steps": "积分梯度的步数",
    "Its classes are matched to the labels by name (POSITIVE → positive).": "它的类别按名称与标签对应（“POSITIVE” → “positive”）。",
    "Its top list is shown beside the first.": "它的前列名单显示在第一个旁边。",
    "Knobs (generate() arguments)": "参数（generate() 的参数）",
    "Label A": "标签 A",
    "Label B": "标签 B",
    "Label scores": "标签得分",
    'Labels (one "label: verbalizer" per line)': "标签（每行一个 “标签: 标签词”）",
    "Labels": "标签",
    "Layer (from 0)": "层（从 0 开始）",
    "Layer by layer": "逐层",
    "Length-normalised": "按长度归一化",
    "Look it up": "查一查",
    "Map": "地图",
    "Masked LMs fill every mask; causal LMs one (the next token when it ends the sentence, else whole sentences compared).":
        "掩码语言模型填每一个掩码；因果语言模型只填一个（掩码在句末时预测下一个词元，否则比较整句）。",
    "Match against": "匹配对象",
    "Mean log-probability per token, for verbalizers of several tokens.": "每个词元的平均对数概率，用于由多个词元组成的标签词。",
    "Mean over heads": "各头平均",
    "Methods": "方法",
    "Misclassified examples (most confident first) / answers": "分错的样本（最有把握的在前）/ 答案",
    "Model A": "模型 A",
    "Model B": "模型 B",
    "Nearest to the sum": "离和向量最近的",
    "Nearest tokens": "最近的词元",
    "Neighbours": "近邻",
    "Off = greedy / beam search.": "关闭 = 贪心解码 / 束搜索。",
    "One head": "单个头",
    "Order": "顺序",
    "Orders": "顺序数",
    "Point (its nearest neighbours)": "点（及其最近邻）",
    "Points": "点",
    "Pooling": "池化",
    "Position embeddings (learned table or rotary)": "位置嵌入（学到的表，或旋转位置编码）",
    "Positions compared": "比较的位置",
    "Positions to show (learned)": "显示的位置（学到的）",
    "Positions": "位置",
    "Probability after each stage": "每一级之后的概率",
    "Probe set": "探测集",
    "Projector: points on a 2-D map and their nearest neighbours": "投影器：二维地图上的点及其最近邻",
    "Put in place of a word (occlusion) or all words (IG).": "用来替换一个词（遮挡法）或全部词（积分梯度）。",
    "Restore the original FAQ": "恢复原来的 FAQ",
    "Rollout": "Rollout",
    "Run A and B": "运行 A 和 B",
    "Run the loop and model.generate(), and compare": "运行这个循环和 model.generate()，并比较",
    "Run the orders": "运行这些顺序",
    "Run the probe on both": "在两个模型上运行探测",
    "Run the probe": "运行探测",
    "Run": "运行",
    "Same seed, same sample.": "同样的随机种子，同样的样本。",
    "Sample (do_sample)": "采样（do_sample）",
    "Scored whole in the blank, however many tokens it is.": "作为整词在空位上打分，不管它有几个词元。",
    "Scores per token, methods side by side": "每个词元的得分，各方法并排",
    "Second sentence (optional)": "第二个句子（可选）",
    "Seed (for shuffled)": "随机种子（用于打乱）",
    "Self-attention by hand (lesson 19)": "手算自注意力（第 19 课）",
    "Sentence B (BERT-style encoders: a sentence pair with [SEP])": "句子 B（BERT 式编码器：用 [SEP] 连接的句子对）",
    "Sentence B (BERT-style pair: token type 1)": "句子 B（BERT 式句子对：词元类型 1）",
    "Sentence B (encoders) and decoder text (encoder-decoders)": "句子 B（编码器）和解码器文本（编码器-解码器）",
    "Sentence embeddings: sentences that mean the same land close": "句向量：意思相同的句子落得很近",
    "Sentence with [MASK]": "含 [MASK] 的句子",
    "Sentence": "句子",
    "Sentences": "句子",
    "Sets the knobs below; every knob stays editable.": "设置下面的参数；每个参数都仍可编辑。",
    "Show attention": "显示注意力",
    "Show positions": "显示位置",
    "Show this step": "显示这一步",
    "Side by side: two configurations on the same prompt": "并排对比：同一个提示词上的两种配置",
    "Similarity": "相似度",
    "Spread over orders": "不同顺序间的波动",
    "Step": "步",
    "Stop strings": "停止字符串",
    "Stop": "停止",
    "Strategy": "策略",
    "Target word": "目标词",
    "Target words (lines or commas)": "目标词（每行一个或用逗号分隔）",
    "Targets × groups": "目标词 × 群体",
    "Template ({text} is the input)": "模板（{text} 是输入）",
    "Templates (one per line, {group} and [MASK])": "模板（每行一个，含 {group} 和 [MASK]）",
    "The FAQ (edit it: add rows, change answers)": "FAQ（可以编辑：添加行、修改答案）",
    "The logits pipeline: how one token was chosen": "logits 流水线：一个词元是如何被选中的",
    "The start of a text for the model to continue.": "一段文本的开头，让模型接着写。",
    "The vectors added up": "向量相加",
    'The verbalizer is the word scored, e.g. "positive: great". Empty: only continue.': "标签词是被打分的那个词，例如 “positive: great”。留空：只续写。",
    "Three families side by side (lesson 21)": "三类模型并排对比（第 21 课）",
    "Threshold: below it, no answer": "阈值：低于它就不作答",
    "To layer": "终止层",
    "Token to explain": "要解释的词元",
    "Token": "词元",
    "Turned into bad_words_ids (with and without a leading space).": "转成 bad_words_ids（带和不带前导空格的都算）。",
    "Vector arithmetic (a probe on a small model, not a law)": "向量算术（在小模型上的探测，而不是定律）",
    "What the first layer reads: token + position (+ type), summed": "第一层读到的：词元 + 位置（+ 类型）之和",
    "Where it fails (all-MiniLM-L6-v2): a **negation** barely moves a sentence vector (*Does the playground NOT work without internet?* matches the offline answer at 0.96), and **shared keywords without the meaning** score high (*How hot is the temperature outside today?* finds the temperature setting at 0.45).":
        "它会在哪里失败（all-MiniLM-L6-v2）：**否定** 几乎不改变句向量（*Does the playground NOT work without internet?* 以 0.96 匹配到离线的答案），而 **只有共同关键词、意思不同** 的句子得分也很高（*How hot is the temperature outside today?* 以 0.45 找到了温度设置）。",
    "Word": "词",
    "Wrap the prompt as a user message (instruct models).": "把提示词包装成一条用户消息（指令模型）。",
    "Your question": "你的问题",
    "beam search only": "仅束搜索",
    "bertviz model view (every head of a range of layers)": "bertviz model view（若干层的每一个头）",
    "bertviz neuron view (queries and keys; BERT and GPT-2)": "bertviz neuron view（查询和键；BERT 和 GPT-2）",
    "e.g.  day": "例如  day",
    "e.g. It was tired.": "例如 It was tired.",
    "e.g. mechanic": "例如 mechanic",
    "empty: the likeliest label": "留空：最可能的标签",
    "empty: the runner-up": "留空：第二名",
    "generate() by hand (lesson 15)": "手写 generate()（第 15 课）",
    "k (demonstrations used)": "k（使用的示例数）",
    "one per line or comma-separated": "每行一个或用逗号分隔",
    "one per line, e.g. a full stop": "每行一个，例如句号",
    "seed": "随机种子",
    "temperature": "temperature（温度）",
    "…rather than (optional)": "……而不是（可选）",
    "Model picker": "模型选择器",
    # ---- Decoding tab ----------------------------------------------------------------------------
    "greedy": "贪心解码",
    "beam search": "束搜索",
    "sampling": "采样",
    "top-k sampling": "top-k 采样",
    "top-p sampling": "top-p 采样",
    "contrastive search": "对比搜索",
    "sample": "采样",
    "beam": "束搜索",
    "contrastive": "对比搜索",
    "length": "达到长度上限",
    "end of text": "文本结束",
    "stop string": "遇到停止字符串",
    "stopped": "已停止",
    "end of text or a stop string": "文本结束或遇到停止字符串",
    "kept": "保留",
    "finished": "已完成",
    "pruned": "剪掉",
    "prompt": "提示词",
    "step": "步",
    "top alternatives": "主要备选",
    "The prompt has {n:,} characters; the limit is {limit:,}.": "提示词有 {n:,} 个字符，上限是 {limit:,}。",
    "Beam search keeps {n} hypotheses until the end": "束搜索一直保留 {n} 个假设直到结束",
    "{n} sequences are drawn together": "{n} 个序列一起抽取",
    "generate() refused these settings: {error}": "generate() 拒绝了这些设置：{error}",
    "{what}, so the text comes all at once (no streaming) …": "{what}，所以文本会一次性出现（不是流式）……",
    "Press Generate: the text appears token by token, coloured by probability.": "按“生成”：文本会一个词元一个词元地出现，按概率着色。",
    "step {i}: {token!r} · model p {prob} ({rank})": "第 {i} 步：{token!r} · 模型概率 {prob}（{rank}）",
    "rank {rank:,}": "排第 {rank:,}",
    "not among the top {n} sent": "不在发送来的前 {n} 个中",
    " · p in the distribution drawn from {p}": " · 在抽样所用分布中的概率 {p}",
    " (removed)": "（已去掉）",
    "the model's top {n} at this step:": "模型在这一步的前 {n} 名：",
    "… {n:,} tokens …": "…… {n:,} 个词元 ……",
    "Finished: <b>{finish}</b> after {n} tokens.": "结束：<b>{finish}</b>，共 {n} 个词元。",
    "Colour = the model's probability of each generated token:": "颜色 = 模型给每个生成词元的概率：",
    "· grey = the prompt · hover a token for the alternatives at that step, click it to see how it was chosen":
        "· 灰色 = 提示词 · 悬停在词元上查看那一步的备选，点击它查看它是如何被选中的",
    "tokens generated": "生成的词元数",
    "tokens / second": "词元 / 秒",
    "to the first token": "到第一个词元的时间",
    "algorithm": "算法",
    "why it stopped": "停止原因",
    "perplexity (model, T = 1)": "困惑度（模型，T = 1）",
    "score {score:.3f}": "得分 {score:.3f}",
    "Beam search returns its best hypotheses ranked by score = sum of log-probabilities / length^{lp:g}.":
        "束搜索返回最好的几个假设，按得分排序：得分 = 对数概率之和 / 长度^{lp:g}。",
    "Each sample is drawn independently.": "每个样本都是独立抽取的。",
    "returned best": "返回的最佳假设",
    "log p(token)": "log p(词元)",
    "cumulative log p": "累计 log p",
    "rank among the step's candidates": "在这一步候选中的排名",
    "Beam search with {n} beams: kept, finished and pruned hypotheses": "{n} 条束的束搜索：保留、已完成和剪掉的假设",
    "The beam tree is drawn for beam search: choose the 'beam search' strategy (2 to 5 beams) and generate.":
        "束搜索树只为束搜索绘制：选择“束搜索”策略（2 到 5 条束）再生成。",
    "{steps} steps recorded from generate()'s own beam search: each step scores the {n} beams' continuations and "
    "keeps the best {n} (of {twice} candidates looked at). {kept} kept, {fin} finished, {pruned} pruned. Hover a "
    "node for its log-probability.":
        "记录了 generate() 自己的束搜索的 {steps} 步：每一步给 {n} 条束的续写打分，保留最好的 {n} 个（共看了 {twice} 个候选）。"
        "保留 {kept} 个，完成 {fin} 个，剪掉 {pruned} 个。悬停在节点上查看它的对数概率。",
    ": chose": "：选了",
    "model p": "模型概率",
    "p drawn from": "抽样所用的概率",
    "The two configurations produced exactly the same tokens.": "两种配置生成的词元完全相同。",
    "They agree for {n} tokens and first differ at step {step} (highlighted).": "前 {n} 个词元相同，第 {step} 步开始不同（已高亮）。",
    "They agree for 1 token and first differ at step 2 (highlighted).": "前 1 个词元相同，第 2 步开始不同（已高亮）。",
    "log p of the whole sequence <b>{logp}</b> over {n} tokens": "整个序列的 log p 为 <b>{logp}</b>，共 {n} 个词元",
    "{n} beams": "{n} 条束",
    "no-repeat {n}-gram": "禁止重复 {n}-gram",
    # ---- Prompting tab ---------------------------------------------------------------------------
    "Click Evaluate to score this prompt on the data set chosen above.": "点击“评估”，在上面选择的数据集上给这个提示词打分。",
    "Click a lesson above, or Run.": "点击上方的某一课，或点击“运行”。",
    "<b>Greedy continuation</b> (up to the first newline): ": "<b>贪心续写</b>（到第一个换行为止）：",
    'No labels: the prompt was only continued. Give labels (one "label: verbalizer" per line) to score them.':
        "没有标签：提示词只被续写了。给出标签（每行一个 “标签: 标签词”）才能给它们打分。",
    "No label scores: scoring label words needs {what}, and {why}. The greedy continuation above still works.":
        "没有标签得分：给标签词打分需要 {what}，而{why}。上面的贪心续写仍然可用。",
    "∅ (it ended the line at once)": "∅（它立刻结束了这一行）",
    "Accuracy on the same {n} examples": "在同样 {n} 条样本上的准确率",
    "prediction": "预测",
    " (calibrated)": "（已校准）",
    "its probability over the labels": "它在各标签之间的概率",
    "raw probability on the labels' first tokens": "标签首个词元上的原始概率",
    "predicted": "预测",
    "true label": "真实标签",
    "true %{y}, predicted %{x}: %{z}": "真实 %{y}，预测 %{x}：%{z}",
    "run": "运行",
    "accuracy": "准确率",
    "examples": "样本数",
    "examples / s": "样本 / 秒",
    "{label} precision": "{label} 精确率",
    "{label} recall": "{label} 召回率",
    "always the commonest label: {p:.0f} %": "总是猜最常见的标签：{p:.0f} %",
    "label probabilities (over the labels)": "标签概率（在各标签之间）",
    "raw next-token probabilities (labels: {p})": "原始的下一词元概率（标签占 {p}）",
    "as scored": "打分结果",
    "calibrated": "校准后",
    "content-free input ({na})": "无内容输入（{na}）",
    "content-free": "无内容输入",
    "raw next token": "原始的下一个词元",
    "Prediction: <b>{label}</b>": "预测：<b>“{label}”</b>",
    "(orange bars: the labels' first tokens)": "（橙色柱：标签的首个词元）",
    "The prompt, exactly as the model reads it": "提示词，与模型读到的完全一样",
    "the label is scored as the next words after the last character": "标签作为最后一个字符之后的下一个词打分",
    "the label is scored at the mask": "标签在掩码处打分",
    "the label is scored as the decoder's output": "标签作为解码器的输出打分",
    "the model writes its answer after the last character": "模型在最后一个字符之后写出答案",
    "{where}; {n:,} characters": "{where}；{n:,} 个字符",
    "label?": "标签？",
    "answer?": "答案？",
    "the document-start token, put before every prompt": "文档起始词元，放在每个提示词之前",
    "The labels hold little of the raw next-token probability: the model expects other words here. Normalising "
    "over the labels still picks the likelier one, but a template that makes the label words likely (or "
    "calibration) is more reliable.":
        "标签只占原始下一词元概率的很小一部分：模型在这里期待的是别的词。在标签之间归一化仍然能选出更可能的那个，"
        "但让标签词本身变得可能的模板（或校准）更可靠。",
    " + calibration": " + 校准",
    "accuracy <b>{acc:.1f} %</b>": "准确率 <b>{acc:.1f} %</b>",
    "zero-shot": "零样本",
    "few-shot": "少样本",
    "classifier": "分类器",
    "fine-tuned classifier": "微调过的分类器",
    "label": "标签",
    "verbalizer": "标签词",
    "log P(verbalizer | prompt)": "log P(标签词 | 提示词)",
    "score (per token)": "得分（每词元）",
    "score": "得分",
    "P over labels": "标签间的 P",
    "P calibrated": "校准后的 P",
    "text": "文本",
    "P(predicted)": "P(预测)",
    # order sensitivity, free-text evaluation
    "order {next} of {total}": "第 {next} 种顺序（共 {total} 种）",
    "zero-shot: {done:,} of {total:,} examples": "零样本：已完成 {done:,} / {total:,} 个样例",
    "few-shot: {done:,} of {total:,} examples": "少样本：已完成 {done:,} / {total:,} 个样例",
    "classifier: {done:,} of {total:,} examples": "分类器：已完成 {done:,} / {total:,} 个样例",
    "order {order}": "顺序 {order}",
    "{n} orders of the same demonstrations": "同一组示例的 {n} 种顺序",
    "the query's label probabilities, one dot per order": "查询句的各标签概率（每种顺序一个点）",
    "accuracy on the data set, one dot per order": "数据集上的准确率（每种顺序一个点）",
    "P({label}) from {lo} to {hi}": "P({label}) 从 {lo} 到 {hi}",
    "; accuracy from {lo:.1f} % to {hi:.1f} %": "；准确率从 {lo:.1f} % 到 {hi:.1f} %",
    " The prediction changes with the order ({preds}).": "预测随顺序而变（{preds}）。",
    " The prediction is the same in every order.": "每种顺序下的预测都相同。",
    "; ": "；",
    "exact match": "完全匹配",
    "mean log P(reference) per token": "参考译文每个词元的平均对数概率",
    "Exact match ignores case, spacing and outer punctuation; many sentences have more than one right translation, "
    "so the reference's log-probability (higher is better) is the fairer measure.":
        "完全匹配忽略大小写、空格和首尾标点；很多句子不止一种正确译法，所以参考译文的对数概率（越高越好）是更公平的衡量。",
    # ---- Attention tab ---------------------------------------------------------------------------
    "Click Show attention or a lesson to see who reads whom.": "点击“显示注意力”或某一课，看看谁在读谁。",
    "The text has {n:,} characters; the limit is {limit:,}.": "文本有 {n:,} 个字符，上限是 {limit:,}。",
    "The bertviz views take at most {most} tokens (this text has {n}): they draw one line per pair of tokens and "
    "head, which stops being readable or quick beyond that. The heatmaps above work up to {heatmap} tokens.":
        "bertviz 视图最多接受 {most} 个词元（这段文本有 {n} 个）：它们为每对词元和每个头画一条线，超过这个数就既看不清也不够快。"
        "上面的热力图最多支持 {heatmap} 个词元。",
    "self": "自注意力",
    "self-attention": "自注意力",
    "encoder self-attention": "编码器自注意力",
    "decoder self-attention": "解码器自注意力",
    "cross-attention": "交叉注意力",
    "cross-attention (decoder → encoder)": "交叉注意力（解码器 → 编码器）",
    "special tokens and the first token hidden, rows renormalised": "已隐藏特殊词元和第一个词元，各行重新归一化",
    "mean over heads": "各头平均",
    "head {h}": "第 {h} 个头",
    " (shares key/value head {kv})": "（共享第 {kv} 个键/值头）",
    "layer {i}": "第 {i} 层",
    "key (attended to)": "键（被关注的）",
    "query (attending)": "查询（发出关注的）",
    "every head of layer {i}": "第 {i} 层的每个头",
    "grouped-query attention: {n} query heads share {kv} key/value heads ({per} per group); each query head still "
    "has its own pattern":
        "分组查询注意力：{n} 个查询头共享 {kv} 个键/值头（每组 {per} 个）；每个查询头仍有自己的模式",
    "attention rollout through layers 0–{upto}": "第 0–{upto} 层的注意力 rollout",
    "mean over heads, ½·A + ½·I for the residual path, multiplied layer by layer": "各头平均，残差连接取 ½·A + ½·I，逐层相乘",
    "input token": "输入词元",
    "position": "位置",
    "Three families side by side: the last layer of each, mean over heads": "三类模型并排：各自的最后一层，各头平均",
    "decoder: causal, nothing above the diagonal": "解码器：因果，对角线以上为空",
    "encoder: bidirectional": "编码器：双向",
    "enc-dec: encoder, bidirectional": "编码器-解码器：编码器，双向",
    "enc-dec: decoder, causal": "编码器-解码器：解码器，因果",
    "enc-dec: cross, decoder → encoder": "编码器-解码器：交叉，解码器 → 编码器",
    "layers": "层数",
    "heads per layer": "每层的头数",
    "key/value heads": "键/值头数",
    "decoder tokens": "解码器词元数",
    "decoder (causal attention: each token reads only itself and what came before)":
        "解码器（因果注意力：每个词元只读它自己和前面的内容）",
    "encoder (bidirectional: every token reads every token)": "编码器（双向：每个词元读所有词元）",
    "encoder-decoder (encoder self-attention, causal decoder self-attention, cross-attention)":
        "编码器-解码器（编码器自注意力、因果的解码器自注意力、交叉注意力）",
    " Sentence B starts at position {i}.": "句子 B 从位置 {i} 开始。",
    "<b>{model}</b> is {what}.{pair} Forward pass with attentions: {ms:.0f} ms.":
        "<b>{model}</b> 是{what}。{pair}带注意力的前向计算：{ms:.0f} 毫秒。",
    "K": "K",
    "Q": "Q",
    "V": "V",
    "no scaling (T5 folds the scale into its weights)": "不缩放（T5 把缩放并入了它的权重）",
    "mask: causal": "掩码：因果",
    "mask: none": "掩码：无",
    "causal: −∞ above the diagonal (a token may not read later tokens)": "因果：对角线以上为 −∞（词元不能读取后面的词元）",
    "none: an encoder: every token reads every token": "无：编码器：每个词元读取所有词元",
    "none: every decoder token reads every encoder token": "无：每个解码器词元读取所有编码器词元",
    "output = weights · V: each token's new vector is a weighted average of the value vectors":
        "output = weights · V：每个词元的新向量是各个值向量的加权平均",
    "softmax, row by row": "softmax，逐行",
    "weights · V": "weights · V",
    "+ ALiBi": "+ ALiBi",
    "BART: separate projections (with biases), 1/√d, learned positions in x; encoder, decoder and cross-attention":
        "BART：独立的投影（带偏置），1/√d，学习得到的位置已在 x 中；编码器、解码器和交叉注意力",
    "BLOOM: fused query_key_value per head, ALiBi instead of positions, causal":
        "BLOOM：每个头融合的 query_key_value，用 ALiBi 代替位置编码，因果",
    "DistilBERT: separate q_lin/k_lin/v_lin (with biases), no mask": "DistilBERT：独立的 q_lin/k_lin/v_lin（带偏置），无掩码",
    "GPT-J: separate projections, interleaved partial rotary, causal": "GPT-J：独立的投影，交错式部分旋转位置编码，因果",
    "GPT-Neo: separate projections, no scaling, global and local (windowed) layers":
        "GPT-Neo：独立的投影，不缩放，全局层与局部（窗口）层交替",
    "GPT-NeoX: fused query_key_value per head, partial rotary (half-split), causal":
        "GPT-NeoX：每个头融合的 query_key_value，部分旋转位置编码（半分式），因果",
    "Gemma-2: rotary, a configured scale, soft-capped scores, sliding layers": "Gemma-2：旋转位置编码，配置的缩放，软上限分数，滑动窗口层",
    "Gemma-3: q/k norms, rotary, a configured scale, sliding layers": "Gemma-3：q/k 归一化，旋转位置编码，配置的缩放，滑动窗口层",
    "Mistral: Llama-style with a sliding window": "Mistral：Llama 式，带滑动窗口",
    "OPT: separate projections, Q scaled first, causal": "OPT：独立的投影，先缩放 Q，因果",
    "Phi-3: fused qkv_proj in blocks, rotary (half-split, partial), causal or sliding":
        "Phi-3：按块融合的 qkv_proj，旋转位置编码（半分式，部分），因果或滑动窗口",
    "Qwen2: Llama-style with q/k/v biases and sliding layers": "Qwen2：Llama 式，q/k/v 带偏置，有滑动窗口层",
    "RoBERTa: BERT-style attention": "RoBERTa：BERT 式注意力",
    "+ relative position bias": "+ 相对位置偏置",
    "BERT-style: separate query/key/value (with biases), no mask": "BERT 式：独立的 query/key/value（带偏置），无掩码",
    "GPT-2: one fused c_attn split into Q|K|V, positions already in x, causal":
        "GPT-2：一个融合的 c_attn 切成 Q|K|V，位置信息已在 x 中，因果",
    "Llama-style: separate q_proj/k_proj/v_proj, rotary (half-split), causal":
        "Llama 式：独立的 q_proj/k_proj/v_proj，旋转位置编码（半分式），因果",
    "T5: separate q/k/v, no scaling, a learned relative position bias; encoder, decoder and cross-attention":
        "T5：独立的 q/k/v，不缩放，学习得到的相对位置偏置；编码器、解码器和交叉注意力",
    "Up to {n} tokens for the heatmaps, {m} for the bertviz views.": "热力图最多 {n} 个词元，bertviz 视图最多 {m} 个。",
    "Shows how each query vector meets each key vector. It needs bertviz's own copy of the model (BERT, GPT-2), "
    "built here from the loaded weights; up to {n} tokens.":
        "展示每个查询向量如何与每个键向量相遇。它需要 bertviz 自带的一份模型代码（BERT、GPT-2），这里用加载的权重构建；最多 {n} 个词元。",
    "Q (queries)": "Q（查询）",
    "K (keys)": "K（键）",
    "V (values)": "V（值）",
    "**Then the real head**: the chosen layer and head, recomputed step by step from the layer's input and its own "
    "weights (up to {n} tokens), then compared with the model's attention weights. Encoder-decoders: the *Attention* "
    "choice above picks the encoder, the decoder or cross-attention.":
        "**然后是真实的注意力头**：用该层的输入和它自己的权重，把选中的层和头一步步重新算出来（最多 {n} 个词元），"
        "再与模型的注意力权重对比。编码器-解码器模型：上面的“注意力”选项决定是编码器、解码器还是交叉注意力。",
    "{model}: {done:,} of {total:,} sentences scored": "{model}：已打分 {done:,} / {total:,} 个句子",
    "bertviz head view of {model}": "{model} 的 bertviz head view",
    "bertviz model view of {model}": "{model} 的 bertviz model view",
    "bertviz neuron view of {model}": "{model} 的 bertviz neuron view",
    "**{model}** runs on {url}: the knobs it lacks are off (their notes say why). The logits pipeline, the beam tree "
    "and generate() by hand need the weights: {why}.":
        "**{model}** 运行在 {url} 上：它缺少的参数已关闭（各自的说明写了原因）。logits 流水线、束搜索树和手写的 generate() "
        "需要权重：{why}。",
    # the three families, self-attention by hand, the textbook's example
    "an encoder-decoder": "编码器-解码器模型",
    "a causal model": "因果语言模型",
    "a masked model": "掩码语言模型",
    "a encoder model": "编码器模型",
    "Type at least {low} {what}s, one per line.": "请至少输入 {low} 个{what}，每行一个。",
    "Type at least one {what}.": "请至少输入一个{what}。",
    "The neuron view needs bertviz's own copy of the model's code, which exists for BERT, GPT-2 and RoBERTa (this "
    "app builds BERT and GPT-2 from the loaded weights); {model} is {arch} (rotary position embeddings and "
    "grouped-query attention, which bertviz's classes do not have). Use the head view, the model view or the "
    "heatmaps, or choose all-MiniLM-L6-v2, BERT or GPT-2.":
        "神经元视图需要 bertviz 自带的一份模型代码，而它只有 BERT、GPT-2 和 RoBERTa 的（本应用用加载的权重构建 BERT 和 GPT-2）；"
        "{model} 是 {arch}（使用旋转位置编码和分组查询注意力，bertviz 的类没有这些）。请使用 head view、model view 或热力图，"
        "或选择 all-MiniLM-L6-v2、BERT 或 GPT-2。",
    "The neuron view needs bertviz's own copy of the model's code, which exists for BERT, GPT-2 and RoBERTa (this "
    "app builds BERT and GPT-2 from the loaded weights); {model} is {arch}. Use the head view, the model view or "
    "the heatmaps, or choose all-MiniLM-L6-v2, BERT or GPT-2.":
        "神经元视图需要 bertviz 自带的一份模型代码，而它只有 BERT、GPT-2 和 RoBERTa 的（本应用用加载的权重构建 BERT 和 GPT-2）；"
        "{model} 是 {arch}。请使用 head view、model view 或热力图，或选择 all-MiniLM-L6-v2、BERT 或 GPT-2。",
    "{model} ({kind}) has no learned position embedding matrix and no rotary frequencies to show: it marks position "
    "some other way (T5, for instance, adds a learned bias per distance inside attention). Choose GPT-2 or BERT (a "
    "learned table; all-MiniLM-L6-v2 offline) or SmolLM2 (rotary).":
        "{model}（{kind}）既没有学习得到的位置嵌入矩阵，也没有可显示的旋转频率：它用别的方式标记位置（例如 T5 在注意力内部"
        "按距离加一个学习得到的偏置）。请选择 GPT-2 或 BERT（学习得到的位置表；离线可用 all-MiniLM-L6-v2）或 SmolLM2（旋转位置编码）。",
    # what a message names (the `what` of a compute check)
    "the by-hand steps": "手算步骤",
    "the neuron view": "神经元视图",
    "Occlusion": "遮挡法",
    "The sentence": "句子",
    "The bad word": "禁用词",
    "The word": "词",
    "The number of answers": "答案数",
    "The number of positions": "位置数",
    "The largest distance": "最大距离",
    "The number of neighbours": "近邻数",
    "The token": "词元",
    "These continuations": "这些续写",
    "a continuation": "续写",
    "The continuation": "续写",
    "The target": "目标",
    "k (the number of demonstrations)": "k（示例的数量）",
    "The seed": "随机种子",
    "The reference": "参考译文",
    "The number of orders": "顺序的数量",
    "The prompt": "提示词",
    "The input": "输入",
    "The expression": "表达式",
    "The question": "问题",
    "a decoder-only model": "仅解码器模型",
    "an encoder": "编码器",
    "decoder": "解码器",
    "none here": "这里没有",
    "Decoder (causal)": "解码器（因果）",
    "Encoder (bidirectional)": "编码器（双向）",
    "Encoder-decoder": "编码器-解码器",
    "{label}: no model of this family is available here (no encoder-decoder ships as an offline package; "
    "t5-small needs hub access).": "{label}：这里没有这一类的可用模型（编码器-解码器模型都不随应用离线打包；t5-small 需要访问 Hub）。",
    "{label}: no model of this family is available here.": "{label}：这里没有这一类的可用模型。",
    "{label}: {reason}": "{label}：{reason}",
    "None of the three models can load here: {notes}": "三个模型在这里都无法加载：{notes}",
    "pos {i}": "位置 {i}",
    "query %{y} → key %{x}: %{z:.4f}": "查询 %{y} → 键 %{x}：%{z:.4f}",
    "head": "头",
    "layer": "层",
    "layer %{y}, head %{x}: %{z:.2f} bits": "第 %{y} 层，第 %{x} 个头：%{z:.2f} 比特",
    "how spread out each head reads (mean entropy of its rows)": "每个头读得有多分散（各行熵的平均）",
    "|by hand − model|, max {d:.1e}": "|手算 − 模型|，最大 {d:.1e}",
    "row %{y}, col %{x}: %{z:.4f}": "第 %{y} 行，第 %{x} 列：%{z:.4f}",
    "layer {layer}, head {head}": "第 {layer} 层，第 {head} 个头",
    "cross-attention (decoder queries → encoder keys and values)": "交叉注意力（解码器的查询 → 编码器的键和值）",
    "equal to what the model computed": "与模型算出的结果相同",
    "NOT equal to what the model computed": "与模型算出的结果不同",
    "float32 rounding is about 1e-7": "float32 的舍入误差约为 1e-7",
    "the model ran in {dtype}, whose rounding is about 1e-2: choose float32 for an exact match":
        "模型以 {dtype} 运行，其舍入误差约为 1e-2：选择 float32 才能精确一致",
    "max |weights by hand − model|": "最大 |手算权重 − 模型|",
    "max |output by hand − model|": "最大 |手算输出 − 模型|",
    "Recipe: <b>{recipe}</b> · {stack}, layer {layer}, head {head}": "算法：<b>{recipe}</b> · {stack}，第 {layer} 层，第 {head} 个头",
    " ({rounding}).": "（{rounding}）。",
    "row sum": "行和",
    "token {i}": "词元 {i}",
    "no scaling": "不缩放",
    "As in the book": "照书上的做法",
    "As real models do": "照真实模型的做法",
    "weights = softmax(row): what each token reads": "weights = softmax(每行)：每个词元读取多少",
    "output = weights · V: a vector": "output = weights · V：一个向量",
    "The book prints the output rows and these numbers are right: token 2's output is [{o0:.4f}, {o1:.4f}, "
    "{o2:.4f}]. It then reads them as attention percentages (86.6 %, 14.9 % and 110.1 %), which they are not: a "
    "weight is never above 100 % and each row of weights sums to 100 %, while this row sums to {osum:.4f}. Token 2's "
    "weights are {w0:.1f} %, {w1:.1f} % and {w2:.1f} %. That the first output number equals a weight ({w1:.1f} %) is "
    "a coincidence of this V: its first column is (0, 1, 0), so it picks out the weight on token 2. With ÷√d (real "
    "models) the weights are softer: the same scores count less.":
        "书上印出的是输出的各行，这些数字本身没错：词元 2 的输出是 [{o0:.4f}, {o1:.4f}, {o2:.4f}]。可书接着把它们当成"
        "注意力百分比（86.6 %、14.9 % 和 110.1 %），这就错了：权重永远不会超过 100 %，每行权重之和是 100 %，而这一行之和是 "
        "{osum:.4f}。词元 2 的权重是 {w0:.1f} %、{w1:.1f} % 和 {w2:.1f} %。第一个输出数字恰好等于一个权重（{w1:.1f} %），"
        "只是这个 V 的巧合：它的第一列是 (0, 1, 0)，正好挑出了词元 2 上的权重。用 ÷√d（真实模型）时权重更平缓：同样的分数分量更轻。",
    "Your own matrices: the weights (each row sums to 100 %) say how much each token reads every token; the output "
    "is the weighted sum of V's rows, a vector like V's, whose numbers can be anything.":
        "你自己的矩阵：权重（每行之和为 100 %）表示每个词元读取各个词元的多少；输出是 V 各行的加权和，"
        "是和 V 的行一样的向量，其中的数字可以是任何值。",
    "Then the real head, below: the same three steps on vectors the model computes from its own weights, with its "
    "mask and positions, and compared with what the model computed.":
        "下面是真实的注意力头：同样的三步，用在模型以自身权重算出的向量上，带上它的掩码和位置信息，并与模型算出的结果对比。",
    # ---- Embeddings tab --------------------------------------------------------------------------
    "Type a token and click Look it up, or click a lesson.": "输入一个词元并点击“查一查”，或点击某一课。",
    "in the vocabulary": "词表中的写法",
    "size (numbers per token)": "维度（每个词元的数值个数）",
    "length (L2 norm)": "长度（L2 范数）",
    "mean norm of all rows": "所有行的平均范数",
    "Row {id:,} of the {vocab:,} × {dim} input embedding matrix of <b>{model}</b>: the vector the model reads for "
    "this token before any layer. Its nearest rows (cosine similarity) are below.":
        "<b>{model}</b> 的 {vocab:,} × {dim} 输入嵌入矩阵的第 {id:,} 行：模型在任何一层之前为这个词元读到的向量。"
        "下面是离它最近的行（余弦相似度）。",
    "value": "数值",
    "dimension %{customdata}: %{z:.4f}": "第 %{customdata} 维：%{z:.4f}",
    "dimensions, {cols} per row": "维度，每行 {cols} 个",
    "dimension within the row": "行内的维度",
    "{token}: its {dim} numbers (length {norm:.2f})": "“{token}”：它的 {dim} 个数值（长度 {norm:.2f}）",
    "cosine": "余弦",
    "cosine similarity": "余弦相似度",
    "the rows nearest to {token}": "离“{token}”最近的行",
    "<b>{expr}</b> lands nearest to <code>{token}</code> (cosine {sim:.3f}).": "<b>{expr}</b> 离 <code>{token}</code> 最近（余弦 {sim:.3f}）。",
    "Each row is scaled to length 1, added or subtracted, and the nearest rows are listed with the input tokens left "
    "out (as is usual for this probe). On a small model's input embeddings this is a probe, not a law: the famous "
    "<i>king − man + woman ≈ queen</i> was found with word2vec, and whether it holds here is for you to see.":
        "每一行先缩放到长度 1，再相加或相减，列出最近的行时去掉了输入的词元（这种探测通常都这样做）。"
        "在小模型的输入嵌入上，这只是一个探测，而不是定律：著名的 <i>“king − man + woman ≈ queen”</i> 是在 word2vec 上发现的，"
        "它在这里是否成立，要你自己来看。",
    "kind": "类型",
    "learned table": "学到的表",
    "rows (positions)": "行数（位置数）",
    "size": "维度",
    "shown": "显示的范围",
    " Row {row} holds position 0 (RoBERTa-style offset).": "第 {row} 行存放位置 0（RoBERTa 式偏移）。",
    "<b>{model}</b> learned one vector per position (<code>{module}</code>) and adds it to each token's vector "
    "before the first layer.{off} Left: the table itself; right: how similar each position's vector is to every "
    "other's.":
        "<b>{model}</b> 为每个位置学了一个向量（<code>{module}</code>），并在第一层之前把它加到每个词元的向量上。{off}"
        "左图：这张表本身；右图：每个位置的向量与其他位置的向量有多相似。",
    "position %{y}, dimension %{x}: %{z:.4f}": "位置 %{y}，第 %{x} 维：%{z:.4f}",
    "dimension": "维度",
    "the position table: {n} positions × {dim}": "位置表：{n} 个位置 × {dim}",
    "positions %{y} and %{x}: cosine %{z:.3f}": "位置 %{y} 与 %{x}：余弦 %{z:.3f}",
    "cosine similarity between positions": "位置之间的余弦相似度",
    "token type": "词元类型",
    "sum": "和",
    "after LayerNorm": "LayerNorm 之后",
    "{names}, summed, then LayerNorm (by hand: subtract the mean, divide by √(variance + {eps:g}), scale and shift "
    "by the learned γ and β)":
        "{names} 相加，再做 LayerNorm（手算：减去均值，除以 √(方差 + {eps:g})，再用学到的 γ 和 β 缩放和平移）",
    "{names}, summed (GPT-2's first LayerNorm sits inside the first block)": "{names} 相加（GPT-2 的第一个 LayerNorm 在第一个块内部）",
    "the token embedding alone": "只有词元嵌入",
    "equal to": "等于",
    "NOT equal to": "不等于",
    "{recipe}: {equal} what the model computed (its hidden state 0), largest difference {diff:.1e} over {n} tokens "
    "× {dim} numbers.":
        "{recipe}：{equal}模型算出的结果（它的第 0 层隐藏状态），在 {n} 个词元 × {dim} 个数值上的最大差异为 {diff:.1e}。",
    "{name}: length": "{name}：长度",
    "pos {p}": "位置 {p}",
    " · type {tt}": " · 类型 {tt}",
    "token (as the model reads it)": "词元（按模型读入的样子）",
    "length of the vector (L2 norm)": "向量的长度（L2 范数）",
    "{model} · what the first layer reads, token by token": "{model} · 第一层读到的内容，逐个词元",
    "One per line, up to {n}; a line '# name' starts a group (the projector colours by group).":
        "每行一个，最多 {n} 个；以 '# 名称' 开头的一行开始一个分组（投影图按分组着色）。",
    # rotary positions, the first layer's vectors, the projector
    "rotary (RoPE)": "旋转位置编码（RoPE）",
    "{lo:,.1f} / {hi:,.0f} tokens": "{lo:,.1f} / {hi:,.0f} 个词元",
    "<b>{model}</b> has <b>no position matrix to show</b>: it adds nothing to the token vectors. Inside every "
    "attention head it turns each pair of query and key dimensions by an angle of position × θ<sub>i</sub>, fast for "
    "the first pairs and slower and slower for the last (left). A query at position m and a key at n then meet "
    "through m − n alone, and for a query and key that point the same way their dot product fades, with ripples, as "
    "they move apart (right; through the model's own rotary module <code>{module}</code>, and from the formula "
    "mean<sub>i</sub> cos(Δ·θ<sub>i</sub>): they differ by at most {diff:.1e}).":
        "<b>{model}</b> <b>没有可显示的位置矩阵</b>：它不往词元向量上加任何东西。在每个注意力头内部，它把查询和键的每一对维度"
        "旋转一个角度：位置 × θ<sub>i</sub>，前面的维度对转得快，越往后转得越慢（左图）。于是位置 m 的查询和位置 n 的键只通过 "
        "m − n 相遇；对于方向相同的查询和键，它们的点积随距离拉开而衰减，并带有起伏（右图；经由模型自己的旋转模块 "
        "<code>{module}</code>，以及公式：各 i 上 cos(Δ·θ<sub>i</sub>) 的平均；两者最多相差 {diff:.1e}）。",
    "head size": "头的维度",
    "dimension pairs": "维度对数",
    "base θ": "基数 θ",
    "shortest / longest wavelength": "最短 / 最长波长",
    "wavelength": "波长",
    "pair %{x}: a full turn every %{y:,.1f} tokens": "第 %{x} 对：每 %{y:,.1f} 个词元转一整圈",
    "context ({n:,} tokens)": "上下文（{n:,} 个词元）",
    "tokens per full turn (log scale)": "转一整圈所需的词元数（对数刻度）",
    "dimension pair i of a head": "头内的第 i 个维度对",
    "rotary: no position matrix": "旋转位置编码：没有位置矩阵",
    "each pair of dimensions turns at its own speed as the position grows": "随着位置增大，每对维度以各自的速度旋转",
    "through the model's rotary module": "经由模型自己的旋转模块",
    "mean cos(Δ·θᵢ)": "cos(Δ·θᵢ) 的平均",
    "distance %{x}: %{y:.3f}": "距离 %{x}：%{y:.3f}",
    "distance m − n (tokens, log scale)": "距离 m − n（词元数，对数刻度）",
    "cosine of rotated q and k": "旋转后 q 与 k 的余弦",
    "q · k by distance": "q · k 随距离的变化",
    "a query and a key that point the same way before rotation": "旋转前方向相同的一个查询和一个键",
    "%{y}, dimension %{x}: %{z:.4f}": "%{y}，维度 %{x}：%{z:.4f}",
    "{token} (position {p}): the vectors the first layer adds up": "“{token}”（位置 {p}）：第一层相加的各个向量",
    "chosen: {point}": "已选：{point}",
    "PC {i} ({share:.0%} of the spread)": "主成分 {i}（占总散布的 {share:.0%}）",
    "sentence embeddings": "句向量",
    "token embeddings (input matrix rows)": "词元嵌入（输入矩阵的行）",
    "{model} · {what} on a 2-D map (PCA)": "{model} · {what}的二维图（PCA）",
    "Nearest to <b>{point}</b>, by cosine similarity in all {dim} dimensions (the map keeps {share:.0%} of the "
    "spread, so a short distance on the map can mislead):":
        "与 <b>{point}</b> 最近的点，按全部 {dim} 维中的余弦相似度计算（这张图只保留了 {share:.0%} 的散布，"
        "所以图上距离近可能是假象）：",
    "point": "点",
    "distance on the map": "图上的距离",
    "Sentence B": "句子 B",
    "The text": "文本",
    "The sentences": "句子",
    "The token set": "词元集合",
    "{what} must be text; got {type}.": "{what}必须是文本；收到的是 {type}。",
    "{what} has {n:,} characters; the limit is {limit:,}.": "{what}有 {n:,} 个字符，上限是 {limit:,}。",
    "Choose a token from 0 to {last}.": "请选择 0 到 {last} 之间的词元。",
    # ---- Bias probes tab -------------------------------------------------------------------------
    "Choose model B and run the probe on both.": "选择模型 B，在两个模型上运行探测。",
    "Download CSV": "下载 CSV",
    "Download JSON": "下载 JSON",
    "What fills the blank": "什么词填进空位",
    "mask {m}: ": "第 {m} 个掩码：",
    ' · <span class="pg-only-key">outlined</span> = in this list only': ' · <span class="pg-only-key">带轮廓</span> = 只在这个列表中',
    "mean p {p}, mean log p {lp:.2f} over {n} templates": "{n} 个模板上的平均 p {p}，平均 log p {lp:.2f}",
    "Each target in the blank, by group: mean of {n} templates ({model})": "每个目标词填进空位的结果，按群体：{n} 个模板的平均（{model}）",
    "mean over templates": "各模板平均",
    "mean log-ratio": "平均对数比",
    "one template": "单个模板",
    "← likelier after “{b}”  ·  log P(target | A) − log P(target | B)  ·  likelier after “{a}” →":
        "← 在“{b}”之后更可能  ·  log P(目标 | A) − log P(目标 | B)  ·  在“{a}”之后更可能 →",
    "“{a}” vs “{b}”: ×N = times likelier on average ({model})": "“{a}” 与 “{b}”：×N = 平均可能多少倍（{model}）",
    "none": "无",
    "In all {n} templates, likelier after <b>{a}</b>: {steady_a}; after <b>{b}</b>: {steady_b}. <b>Depends on the "
    "sentence</b> (the sign flips between templates): {flips}.":
        "在全部 {n} 个模板中，在 <b>{a}</b> 之后更可能：{steady_a}；在 <b>{b}</b> 之后更可能：{steady_b}。"
        "<b>取决于句子</b>（符号在模板之间翻转）：{flips}。",
    "<b>{model}</b> ({family}): {templates} templates × {groups} groups × {targets} targets = {n:,} cells in {s:.1f} s "
    "({rate:,.0f} cells/s). Each cell: {method}.":
        "<b>{model}</b>（{family}）：{templates} 个模板 × {groups} 个群体 × {targets} 个目标词 = {n:,} 个单元格，"
        "用时 {s:.1f} 秒（每秒 {rate:,.0f} 个）。每个单元格：{method}。",
    "template": "模板",
    "group": "群体",
    "target": "目标词",
    "the masked LM's probability of each token at the mask (softmax over the vocabulary)": "掩码语言模型在掩码处给每个词元的概率（在整个词表上做 softmax）",
    "the next-token probability after the words before the mask (the mask ends the sentence)": "掩码之前的词之后的下一词元概率（掩码在句末）",
    "the first token the decoder writes after the sentinel <extra_id_0> (T5's span corruption)": "解码器在哨兵 <extra_id_0> 之后写出的第一个词元（T5 的片段破坏）",
    "chain rule over the target's tokens, given the words before the blank": "在给定空位之前的词时，对目标词的各词元用链式法则",
    "the target's tokens in the blank, one mask each, filled left to right": "目标词的各词元放进空位，每个词元一个掩码，从左到右填",
    "A causal LM reads left to right: a target's probability is given the words before the blank only; the words "
    "after it play no part.":
        "因果语言模型从左到右读：目标词的概率只取决于空位之前的词；空位之后的词不起作用。",
    "A causal LM reads left to right, so the words after the mask can only re-rank candidates the words before it "
    "suggested.":
        "因果语言模型从左到右读，所以掩码之后的词只能对掩码之前的词所提示的候选重新排序。",
    "Press the button: each input token gets a score, coloured by how hard it pushed.": "按下按钮：每个输入词元都会得到一个分数，按它推动的力度着色。",
    # ---- Decoding: the logits pipeline, generate() by hand ---------------------------------------
    "The logits pipeline re-runs a step through generate()'s processors on the model's own scores: {why}.":
        "logits 流水线用模型自己的分数，把某一步重新经过 generate() 的各个处理器：{why}。",
    "Nothing was generated, so there is no step to show.": "什么都没有生成，所以没有可以显示的步。",
    "Generate first: the pipeline shows one step of the last generation.": "请先生成：流水线显示上一次生成中的某一步。",
    "Step {i}: how {token} was chosen, stage by stage": "第 {i} 步：{token} 是如何被选中的，逐级展示",
    "Context ends with: <code>{tail}</code> → chosen <code>{chosen}</code>": "上下文结尾：<code>{tail}</code> → 选中 <code>{chosen}</code>",
    "by hand": "手写循环",
    "{n:,} left": "剩 {n:,} 个",
    " and {n:,} more": "，另有 {n:,} 个",
    "✅ Identical: the loop and model.generate() produced the same {n} tokens ({settings}).":
        "✅ 完全相同：这个循环和 model.generate() 生成了同样的 {n} 个词元（{settings}）。",
    "The two differ from token {i} on ({settings}).": "两者从第 {i} 个词元开始不同（{settings}）。",
    "{token!r}: removed": "{token!r}：已去掉",
    "{token!r} after {stage}: ": "{token!r} 经过 {stage} 之后：",
    "{n:,} tokens possible, entropy {bits:.2f} bits; the chosen token has p = {p}": "可选词元 {n:,} 个，熵 {bits:.2f} 比特；选中词元的 p = {p}",
    " (rank {rank:,}).": "（排第 {rank:,}）。",
    ".": "。",
    "not in this stage's top list": "不在这一级的前列名单中",
    "Removed {n:,} tokens holding {p} of the probability: {names}{more}.": "去掉了 {n:,} 个词元，共占 {p} 的概率：{names}{more}。",
    "Penalised (before → after): {names}.": "受到惩罚（之前 → 之后）：{names}。",
    "bad words: the banned tokens are set to -inf": "禁用词：被禁止的词元设为 -inf",
    "renormalised: softmax over the tokens left, the distribution the token is drawn from": "重新归一化：在剩下的词元上做 softmax，得到抽取词元所用的分布",
    "greedy: the most likely token left is taken": "贪心解码：取剩下的最可能的词元",
    "beam search: these log-probabilities are added to the beam's score": "束搜索：这些对数概率被加到束的得分上",
    "contrastive search then re-ranks the top_k by similarity to the context": "对比搜索再按与上下文的相似度对 top_k 重新排序",
    # ---- table headers --------------------------------------------------------------------------
    "question": "问题",
    "answer": "答案",
    "input": "输入",
    "output": "输出",
    "reference": "参考译文",
    "English": "英文",
    "held fixed": "保持固定",
    "the model's answer": "模型的答案",
    "exact": "完全匹配",
    "log P(reference) / token": "log P(参考译文) / 词元",
    "order of the demonstrations": "示例的顺序",
    "integrated gradients": "积分梯度",
    "gradient × input": "梯度 × 输入",
    "occlusion": "遮挡法",
    # ---- "Why this?" (attribution) ---------------------------------------------------------------
    "Why? {what}": "为什么？{what}",
    "Attribution": "归因",
    "{text!r} (id {id}) is held fixed: the reading policy put it there": "{text!r}（id {id}）保持固定：读取规则把它放在那里",
    "▲ pushes the target up": "▲ 推高目标",
    "▼ pushes it down": "▼ 压低目标",
    "held fixed (start token, [CLS] / [SEP], …)": "保持固定（起始词元、[CLS] / [SEP] 等）",
    "the deeper the colour, the bigger |score| (each method on its own scale)": "颜色越深，|分数| 越大（每种方法各用自己的尺度）",
    "f(x): the target at the input (nats)": "f(x)：输入处的目标值（纳特）",
    "<b>Baseline:</b> {b}. Replaced, not removed: every other token keeps its position.":
        "<b>基线：</b>{b}。是替换，不是删除：其他每个词元都保持原来的位置。",
    "Σ scores": "Σ 分数",
    "gap ({p:.1f} % of the difference)": "误差（占差值的 {p:.1f} %）",
    "steps": "步数",
    "<b>Completeness</b> (integrated gradients): the scores should sum to f(x) − f(x′)": "<b>完备性</b>（积分梯度）：各分数之和应等于 f(x) − f(x′)",
    "colour scale ±{s:.3g}": "颜色尺度 ±{s:.3g}",
    "f(x′): every word replaced by {b}": "f(x′)：每个词都替换成 {b}",
    "Complete: the scores add up to the change in the target, within the bound of {bound:.3f} ({rule}, {steps} "
    "steps). Each score is that token's share of the change from the baseline to the input.":
        "完备：各分数之和等于目标的变化量，误差在界限 {bound:.3f} 之内（{rule}，{steps} 步）。每个分数就是该词元在从基线到输入的变化中所占的份额。",
    "The sum misses f(x) − f(x′) by {gap:.3f}, over the bound of {bound:.3f}: the path from the baseline to the "
    "input is too rough for {steps} steps (the model's output jumps somewhere along it). Run more steps, or another "
    "baseline token; until the gap is small, read the colours as rough.":
        "总和与 f(x) − f(x′) 相差 {gap:.3f}，超过了界限 {bound:.3f}：从基线到输入的路径对 {steps} 步来说太崎岖（模型的输出在路上某处跳变）。"
        "请增加步数，或换一个基线词元；在误差变小之前，颜色只能粗略参考。",
    "score (nats)": "分数（纳特）",
    "Explaining <b>{what}</b> · {model}": "解释 <b>{what}</b> · {model}",
    "decoder →": "解码器 →",
    " ({n} steps)": "（{n} 步）",
    "the blank the target is scored in": "给目标打分的空位",
    "Generate first, then choose a step (or click a generated token): this explains that token.":
        "请先生成，再选择一步（或点击一个生成的词元）：这里会解释那个词元。",
    "integrated gradients: (x − x′) · the mean gradient on the straight path from the baseline x′ to the input x":
        "积分梯度：(x − x′) · 从基线 x′ 到输入 x 的直线路径上的平均梯度",
    "gradient × input: x · ∂f/∂x at the input itself (a first-order, local view)": "梯度 × 输入：在输入处的 x · ∂f/∂x（一阶的局部视角）",
    "occlusion: f(x) − f(x with this token replaced by the baseline token)": "遮挡法：f(x) − f(把这个词元换成基线词元后的 x)",
    # the "Why this?" panels' own component text
    "Why this token? Which words of the prompt pushed the prediction": "为什么是这个词元？提示词里的哪些词推动了预测",
    "Why this label? Which words of the input moved the label": "为什么是这个标签？输入里的哪些词改变了标签",
    "Why this word? Which words of the sentence make the target likely": "为什么是这个词？句子里的哪些词让目标词变得可能",
    "Why this token?": "为什么是这个词元？",
    "Why? Attribute": "为什么？做归因",
    "Explains log P(token) after the prompt: the model's top token, or the token you type. With a contrast token it "
    "explains log P(token) − log P(contrast): why one rather than the other.":
        "解释提示词之后的 log P(词元)：模型概率最高的词元，或你输入的词元。给出对比词元时，解释 log P(词元) − log P(对比词元)："
        "为什么是这一个而不是另一个。",
    "Explains the margin log P(label A's word | prompt) − log P(label B's word | prompt), the prompt built from the "
    "template, the labels and the demonstrations above. Empty boxes: the likeliest label against the runner-up.":
        "解释差值 log P(标签 A 的词 | 提示词) − log P(标签 B 的词 | 提示词)，提示词由上面的模板、标签和示例构成。"
        "框留空：最可能的标签对比第二可能的标签。",
    "Explains log P(target word) in the blank of the sentence above (the word scored whole, as the probe scores it); "
    "with a contrast word, log P(target) − log P(contrast).":
        "解释上面句子空位中的 log P(目标词)（像探测那样把词作为整体打分）；给出对比词时，解释 log P(目标) − log P(对比)。",
    "Explains the token generated at the step above: its log-probability given the prompt and the tokens generated "
    "before it (the model's own probability, T = 1).":
        "解释上面那一步生成的词元：给定提示词和之前生成的词元时它的对数概率（模型自己的概率，T = 1）。",
    # the bundled probe sets' descriptions (assets/probes/)
    "Jobs after first names common in different places; names carry gender and origin at once. Written for this "
    "project.": "不同地区常见名字之后的职业；名字同时携带性别和出身。为本项目编写。",
    "Which jobs a model puts after 'man' and 'woman', in five sentences. Written for this project.":
        "模型在 'man' 和 'woman' 之后放哪些职业，共五个句子。为本项目编写。",
    "Which traits follow 'he' and 'she', in four sentences. Written for this project.":
        "'he' 和 'she' 之后跟着哪些特质，共四个句子。为本项目编写。",
    # ---- Embeddings: sentences, FAQ, the word in context -------------------------------------------
    "{lo:.3f} to {hi:.3f}": "{lo:.3f} 到 {hi:.3f}",
    "sentence": "句子",
    "sentences": "句子",
    "size of each vector": "每个向量的维度",
    "pooling": "池化方式",
    "tokens read": "读入的词元数",
    "sentence similarity (cosine of the sentence vectors)": "句子相似度（句向量的余弦）",
    "Matched on the {what}s with {model} ({recipe}).": "用 {model} 按 {what} 匹配（{recipe}）。",
    "layer (0 = the embeddings)": "层（0 = 嵌入）",
    "cosine similarity of {word}": "{word} 的余弦相似度",
    "{word} in {n} sentences, layer by layer": "{word} 在 {n} 个句子中，逐层",
    "same group (mean)": "同一组（平均）",
    "different groups (mean)": "不同组（平均）",
    "At layer 0 (the embeddings) every occurrence is the word's row of the matrix, plus its position's vector where "
    "the model has a table (cosines {first}); after the last layer, which has read the words around it: {last}.":
        "在第 0 层（嵌入），每次出现都是这个词在矩阵中的那一行，模型有位置表时再加上它所在位置的向量（余弦 {first}）；"
        "在读过周围词语的最后一层之后：{last}。",
    "A causal LM is not trained to make sentence embeddings: this is a rough stand-in. Its vectors all point much the "
    "same way, so every pair looks similar; compare with all-MiniLM-L6-v2.":
        "因果语言模型并没有为生成句向量而训练：这只是粗略的替代。它的向量方向都差不多，所以每一对看起来都相似；请与 all-MiniLM-L6-v2 比较。",
    "One sentence: its similarity with itself is 1, so there is nothing to compare. Add a second line.":
        "只有一个句子：它与自己的相似度是 1，没有可比较的。请再加一行。",
    "Best answer, similarity {sim:.3f} (≥ the threshold {th:.2f}):": "最佳答案，相似度 {sim:.3f}（≥ 阈值 {th:.2f}）：",
    "No entry is similar enough: the best scores {sim:.3f}, under the threshold {th:.2f}. A real FAQ bot would say it "
    "does not know; the closest entries are listed anyway.":
        "没有足够相似的条目：最高得分 {sim:.3f}，低于阈值 {th:.2f}。真正的 FAQ 机器人会说它不知道；这里仍然列出最接近的条目。",
    "This model is a causal LM standing in for a sentence encoder: expect poor matches. all-MiniLM-L6-v2 is made for "
    "this.":
        "这个模型是一个代替句子编码器的因果语言模型：匹配效果会很差。all-MiniLM-L6-v2 才是为此而做的。",
    "cosine similarity {sim:.3f} · FAQ row {row}": "余弦相似度 {sim:.3f} · FAQ 第 {row} 行",
    "The hidden state of <b>{word}</b> after every layer of <b>{model}</b>, in each sentence:":
        "<b>{model}</b> 每一层之后 <b>{word}</b> 的隐藏状态，在每个句子中：",
    "<b>{model}</b>: {recipe}. Each vector has length 1, so the similarity of two sentences is their dot product, the "
    "cosine of the angle between them: 1 the same direction, 0 unrelated.":
        "<b>{model}</b>：{recipe}。每个向量的长度都是 1，所以两个句子的相似度就是它们的点积，即夹角的余弦：1 表示方向相同，0 表示无关。",
    "sentences {name}": "句子 {name}",
    "at token {a}": "在第 {a} 个词元处",
    "–{z} (mean of {n} pieces)": "–{z}（{n} 个片段的平均）",
    # ---- messages the tabs raise -----------------------------------------------------------------
    "Click 'Show attention' first: the model view draws the last run's weights.": "请先点击“显示注意力”：model view 画的是上一次运行的权重。",
    "The step must be a whole number (1 = the first generated token).": "步数必须是整数（1 = 生成的第一个词元）。",
    "Choose a point from the list.": "请从列表中选择一个点。",
    "The text is {n:,} characters; the limit is {limit:,}. Shorten it (or raise PLAYGROUND_MAX_TEXT_CHARS).":
        "文本有 {n:,} 个字符，上限是 {limit:,}。请缩短（或调大 PLAYGROUND_MAX_TEXT_CHARS）。",
    "The mask number must be a whole number (1 = the first mask).": "掩码序号必须是整数（1 = 第一个掩码）。",
    "Choose a second model (B), different from the one in the picker at the top.": "请选择第二个模型（B），它要与顶部选择器中的模型不同。",
    "The input is empty: type a sentence to classify or translate.": "输入是空的：请输入一个要分类或翻译的句子。",
    "Tick at least one way to evaluate: zero-shot, few-shot or the fine-tuned classifier.": "请至少勾选一种评估方式：零样本、少样本或微调过的分类器。",
    "Few-shot needs demonstrations: fill the table under Few-shot (input, output), and k above 0.":
        "少样本需要示例：请填写“少样本”下的表格（输入、输出），并让 k 大于 0。",
    "A fine-tuned classifier needs a data set with a few fixed labels (reviews), and the labels filled in.":
        "微调过的分类器需要一个只有几个固定标签的数据集（评论），并填好标签。",
    "Choose a fine-tuned classifier in the box next to the methods (it needs the hub: e.g. "
    "distilbert-base-uncased-finetuned-sst-2-english).":
        "请在方法旁边的框里选择一个微调过的分类器（需要 Hub，例如 distilbert-base-uncased-finetuned-sst-2-english）。",
    "Upload a CSV file (columns text,label), or choose a bundled data set.": "请上传一个 CSV 文件（列为“text”和“label”），或选择一个附带的数据集。",
    "CUDA is not available on this machine: choose device 'auto' or 'cpu'.": "本机没有 CUDA：请选择设备 'auto' 或 'cpu'。",
    "Apple MPS is not available on this machine: choose device 'auto' or 'cpu'.": "本机没有 Apple MPS：请选择设备 'auto' 或 'cpu'。",
    "The text gave no tokens. Type a few words.": "这段文本没有得到任何词元。请输入几个词。",
}

# Texts with numbers or names in them, as the compute layer writes them (i18n._by_pattern)
PATTERNS: list[tuple[str, str]] = [
    (r"layer (?P<i>\d+)", "第 {i} 层"),
    (r"repetition penalty: logits of tokens already in the text are divided \(if positive\) or multiplied \(if "
     r"negative\) by (?P<x>\S+)", "重复惩罚：文本中已出现的词元，其 logits 为正时除以 {x}，为负时乘以 {x}"),
    (r"no_repeat_ngram_size (?P<n>\d+): a token that would repeat an n-gram already in the text is banned",
     "no_repeat_ngram_size {n}：会重复文本中已有 n-gram 的词元被禁止"),
    (r"temperature (?P<t>\S+): logits divided by T", "temperature {t}：logits 除以 T"),
    (r"top_k (?P<k>\d+): only the (?P<k2>\d+) most likely tokens stay", "top_k {k}：只留下最可能的 {k2} 个词元"),
    (r"top_p (?P<p>\S+): the smallest set of tokens holding (?P<p2>\S+) of the probability stays",
     "top_p {p}：留下累计概率达到 {p2} 的最小词元集合"),
    (r"the text (?P<v>'.*'|\".*\")", "文本 {v}"),
    (r"(?P<k>\d+)-shot", "{k} 个示例"),
    (r"the log-likelihood of the whole sentence with each candidate in place, normalised over the model's (?P<n>\d+) most likely next tokens after the words before the mask",
     "把每个候选词放进去后整句的对数似然，在掩码之前的词之后模型最可能的 {n} 个下一词元之间归一化"),
    (r"at (?P<mask>\S+)", "在 {mask} 处"),
    (r"at (?P<mask>\S+) \((?P<i>\d+) of (?P<n>\d+)\)", "在 {mask} 处（共 {n} 个，第 {i} 个）"),
    (r"(?P<model>.+) is a causal model: it reads \[MASK\] as plain text and predicts what comes after the whole "
     r"prompt\. Fill-in-the-blank needs a masked LM \(e\.g\. bert-base-uncased\)\.",
     "{model} 是因果语言模型：它把 [MASK] 当作普通文本，预测整个提示词之后的词元。填空需要掩码语言模型（例如 bert-base-uncased）。"),
    (r"The text has (?P<n>\d+) masks\. Showing mask (?P<i>\d+) \(position (?P<p>\d+)\); the others stay masked while "
     r"it is predicted\. Choose another mask under Options\.",
     "文本中有 {n} 个掩码。显示第 {i} 个掩码（位置 {p}）；预测它时其余掩码保持遮盖。可在“选项”中选择另一个掩码。"),
    (r"(?P<model>.+) sent its top (?P<k>[\d,]+) of (?P<v>[\d,]+) next tokens with their log-probabilities; the rest "
     r"is not sent, so the entropy, the logits and the best guess after every prefix are not known here\.",
     "{model} 只发送了 {v} 个词元中概率最高的 {k} 个下一个词元及其对数概率；其余的没有发送，所以这里不知道熵、logits "
     "和每个前缀之后的最佳猜测。"),
    (r"(?P<model>.+) sent its top (?P<k>[\d,]+) next tokens with their log-probabilities; the rest is not sent, so the "
     r"entropy, the logits and the best guess after every prefix are not known here\.",
     "{model} 只发送了概率最高的 {k} 个下一个词元及其对数概率；其余的没有发送，所以这里不知道熵、logits 和每个前缀之后的最佳猜测。"),
    (r"chain rule over (?P<n>\d+) masks, filled left to right \(an estimate\)", "对 {n} 个掩码用链式法则，从左到右填（估计值）"),
    (r"chain rule over (?P<n>\d+) tokens", "对 {n} 个词元用链式法则"),
    (r"The prompt is empty, so the model reads only its start token (?P<tok>.+): what follows is what it expects a "
     r"text to open with\.", "提示词是空的，所以模型只读到它的起始词元 {tok}：接下来是它期待一段文本如何开头。"),
    (r"The text has (?P<n>[\d,]+) tokens and (?P<t_why>.+): only the last (?P<k>[\d,]+) are read(?P<t_tail>.*)\.",
     "这段文本有 {n} 个词元，而{t_why}：只读最后 {k} 个{t_tail}。"),
    (r"The sentence has (?P<n>[\d,]+) tokens and (?P<t_why>.+): only its first (?P<k>[\d,]+) are read \(a sentence "
     r"embedding keeps the start of a long text, as sentence-transformers does\)\.",
     "这个句子有 {n} 个词元，而{t_why}：只读它的前 {k} 个（句向量保留长文本的开头，与 sentence-transformers 的做法相同）。"),
    # why a model lacks an operation (compute/lm backend.why_not)
    (r"(?P<model>\S+) was loaded with (?P<impl>'[^']*') attention, which returns no attention weights; load it with "
     r"eager attention \(the default\)", "{model} 是用 {impl} 注意力加载的，它不返回注意力权重；请用 eager 注意力加载（默认）"),
    (r"(?P<model>\S+) is not a fine-tuned classifier; choose one such as "
     r"distilbert-base-uncased-finetuned-sst-2-english \(needs the hub\)",
     "{model} 不是微调过的分类器；请选择 distilbert-base-uncased-finetuned-sst-2-english 这样的分类器（需要访问 Hub）"),
    (r"(?P<model>\S+) is an encoder with no language-model head \(it is for embeddings and attention\); choose a "
     r"causal, masked or seq2seq model \(SmolLM2-135M-Instruct works offline\)",
     "{model} 是没有语言模型头的编码器（它用于嵌入和注意力）；请选择因果、掩码或序列到序列模型（SmolLM2-135M-Instruct 可离线使用）"),
    (r"(?P<model>\S+) is a masked LM: it fills a \[MASK\] but does not continue a text; choose a causal or seq2seq "
     r"model \(SmolLM2-135M-Instruct works offline\)",
     "{model} 是掩码语言模型：它填 [MASK]，但不续写文本；请选择因果模型或序列到序列模型（SmolLM2-135M-Instruct 可离线使用）"),
    (r"(?P<model>\S+) does not offer (?P<op>\S+)", "{model} 不提供 {op}"),
    # a model behind a server (compute/lm/remote.py, compute/decoding/remote.py)
    (r"(?P<model>\S+) runs on a server \((?P<url>[^)]+)\), and a model behind a server sends tokens and "
     r"log-probabilities, not its weights or attentions",
     "{model} 运行在服务器上（{url}），而服务器上的模型只发送词元和对数概率，不发送权重或注意力"),
    (r"(?P<model>\S+) runs on a server \((?P<url>[^)]+)\), which returns no log-probabilities for it",
     "{model} 运行在服务器上（{url}），而服务器不为它返回对数概率"),
    (r"(?P<model>\S+) runs on a server \((?P<url>[^)]+)\), which sends the top (?P<k>\d+) next tokens with their "
     r"log-probabilities, not the whole distribution over the vocabulary",
     "{model} 运行在服务器上（{url}），服务器只发送概率最高的 {k} 个下一词元及其对数概率，而不是整个词表上的分布"),
    (r"(?P<model>\S+) runs on a server \((?P<url>[^)]+)\), which returns no log-probabilities for it \(it can still "
     r"generate text\)", "{model} 运行在服务器上（{url}），而服务器不为它返回对数概率（它仍然可以生成文本）"),
    (r"(?P<model>\S+) runs on a server \((?P<url>[^)]+)\), and it is a language model, not a fine-tuned classifier",
     "{model} 运行在服务器上（{url}），而且它是语言模型，不是微调过的分类器"),
    (r"(?P<url>\S+) has no tokenize endpoint, so it could not be checked that it reads the (?P<n>\d+) tokens shown\.",
     "{url} 没有分词接口，所以无法核实它读到的就是显示的这 {n} 个词元。"),
    (r"(?P<url>\S+) reads this prompt as (?P<n>\d+) tokens where the local tokenizer makes (?P<m>\d+) \(they part at "
     r"token (?P<i>\d+)\); its numbers are for its own reading\.",
     "{url} 把这个提示词读成 {n} 个词元，而本地分词器得到 {m} 个（从第 {i} 个词元开始不同）；它的数字对应它自己的读法。"),
    (r"(?P<url>\S+) puts (?P<t>'.*'|\".*\") in front of every text prompt and takes no token ids, so it reads "
     r"(?P<n>\d+) token\(s\) before what a local model would read\.",
     "{url} 在每个文本提示词前面加上 {t}，并且不接受词元 id，所以它比本地模型多读 {n} 个词元。"),
    (r"(?P<url>\S+) \((?P<d>[^)]+)\) applies the temperature after top-k / top-p, transformers and vLLM before: the "
     r"same knobs can draw from a different set of tokens\.",
     "{url}（{d}）在 top-k / top-p 之后才应用温度，transformers 和 vLLM 则在之前：同样的参数可能从不同的词元集合中抽样。"),
    (r"(?P<d>\S+)'s repeat_penalty looks at the last 64 tokens only; transformers' at all of them\.",
     "{d} 的 repeat_penalty 只看最后 64 个词元；transformers 的则看全部词元。"),
    # the loader's progress (models.py)
    (r"Loading the (?P<model>\S+) tokenizer", "正在加载 {model} 的分词器"),
    (r"Loading (?P<model>\S+) weights", "正在加载 {model} 的权重"),
    (r"(?P<model>\S+) ready on (?P<device>\S+)", "{model} 已在 {device} 上就绪"),
    (r"Reading the (?P<model>\S+) tokenizer from its GGUF file \(first time only\)",
     "正在从 GGUF 文件读取 {model} 的分词器（仅第一次）"),
    (r"Converting (?P<model>\S+) from GGUF to safetensors \(first time only, ~20 s\)",
     "正在把 {model} 从 GGUF 转换为 safetensors（仅第一次，约 20 秒）"),
    (r"Saving the (?P<model>\S+) safetensors cache", "正在保存 {model} 的 safetensors 缓存"),
    # notices the compute layer writes with numbers and names in them
    (r"k = (?P<k>\d+) but the table has (?P<n>\d+) demonstration\(s\): using all (?P<n2>\d+)\.",
     "k = {k}，但表格里只有 {n} 个示例：全部 {n2} 个都用上。"),
    (r"(?P<n>\d+) demonstrations have only (?P<total>\d+) orders: running all of them\.",
     "{n} 个示例只有 {total} 种顺序：全部运行。"),
    (r"(?P<label>.+): the verbalizer (?P<v>'.*'|\".*\") is (?P<n>\d+) tokens \((?P<toks>.*)\), filled left to right "
     r"at that many masks \(an estimate\)\.",
     "{label}：标签词 {v} 是 {n} 个词元（{toks}），在同样多个掩码处从左到右填入（估计值）。"),
    (r"(?P<label>.+): the verbalizer (?P<v>'.*'|\".*\") is (?P<n>\d+) tokens \((?P<toks>.*)\), scored whole by the "
     r"chain rule: the sum of their log-probabilities\.",
     "{label}：标签词 {v} 是 {n} 个词元（{toks}），用链式法则整体打分：它们的对数概率之和。"),
    (r"Calibration changes the prediction from (?P<a>.+) to (?P<b>.+)\.", "校准把预测从 {a} 改成了 {b}。"),
    (r"The classifier's class\(es\) (?P<c>.+) match no label and are never predicted\.",
     "分类器的类别 {c} 与任何标签都不对应，永远不会被预测。"),
    (r"(?P<a>\w+ \S+) and (?P<b>\w+ \S+) and (?P<c>\w+ \S+) only matter when sampling; this run does not sample, so "
     r"they are ignored \(tick 'Sample' to use them\)\.",
     "{a}、{b} 和 {c} 只在采样时起作用；这次运行不采样，所以它们被忽略了（勾选“采样”才会使用）。"),
    (r"(?P<a>\w+ \S+) and (?P<b>\w+ \S+) only matter when sampling; this run does not sample, so they are ignored "
     r"\(tick 'Sample' to use them\)\.", "{a} 和 {b} 只在采样时起作用；这次运行不采样，所以它们被忽略了（勾选“采样”才会使用）。"),
    (r"(?P<what>.+) only matter when sampling; this run does not sample, so they are ignored \(tick 'Sample' to use "
     r"them\)\.", "{what} 只在采样时起作用；这次运行不采样，所以它们被忽略了（勾选“采样”才会使用）。"),
    (r"(?P<w>'.*'|\".*\") is not a single token in this vocabulary \((?P<p>.*)\): generate\(\) bans its last piece "
     r"only right after the others, so the pieces on their own can still appear\.",
     "{w} 在这个词表中不是单个词元（{p}）：generate() 只在其他片段之后才禁止它的最后一个片段，所以这些片段单独出现仍然可能。"),
    (r"(?P<model>\S+) has no position table: position enters inside attention \(rotary embeddings turn each query and "
     r"key by an angle that grows with the position\), so the first layer reads the token embeddings alone\.",
     "{model} 没有位置表：位置信息在注意力内部进入（旋转位置编码把每个查询和键旋转一个随位置增大的角度），"
     "所以第一层只读到词元嵌入。"),
    (r"Split into several tokens and scored as whole words by the chain rule \(each piece given the ones before it\): "
     r"(?P<w>.+)\. Their probabilities are not comparable one-to-one with single-token words, which need no second "
     r"guess\.", "被拆成多个词元，并用链式法则（每个片段以它之前的片段为条件）作为整词打分：“{w}”。它们的概率不能与单词元的词"
     "一一比较，后者不需要第二次猜测。"),
    (r"Split into several tokens and scored as whole words by one mask per piece, filled left to right \(each piece "
     r"given the ones before it\): (?P<w>.+)\. Their probabilities are not comparable one-to-one with single-token "
     r"words, which need no second guess\.", "被拆成多个词元，并用每个片段一个掩码、从左到右填入（每个片段以它之前的片段为条件）"
     "的方式作为整词打分：“{w}”。它们的概率不能与单词元的词一一比较，后者不需要第二次猜测。"),
    (r"Scored whole \(the chain rule\): (?P<w>.+) is more than one token\.", "整体打分（链式法则）：“{w}”不止一个词元。"),
    (r"Scored whole \(one mask per piece, filled left to right\): (?P<w>.+) is more than one token\.",
     "整体打分（每个片段一个掩码，从左到右填入）：{w} 不止一个词元。"),
    (r"Sentence (?P<i>\d+): (?P<t_n>.+)", "第 {i} 个句子：{t_n}"),
    # self-attention by hand: the steps and the panels (compute/attention/by_hand.py, recipes.py)
    (r"x: the attention block's input, (?P<t>\d+) tokens × (?P<d>\d+) numbers \(one sequence, no padding\), captured "
     r"with a forward hook that is removed as soon as the pass ends",
     "x：注意力块的输入，{t} 个词元 × {d} 个数（一条序列，没有填充），用前向钩子捕获，前向传播一结束钩子就移除"),
    (r"x: the attention block's input, (?P<t>\d+) tokens × (?P<d>\d+) numbers; keys and values come from the "
     r"encoder's output \(keys and values\), (?P<s>\d+) tokens \(one sequence, no padding\), captured with a forward "
     r"hook that is removed as soon as the pass ends",
     "x：注意力块的输入，{t} 个词元 × {d} 个数；键和值来自编码器的输出，{s} 个词元（一条序列，没有填充），"
     "用前向钩子捕获，前向传播一结束钩子就移除"),
    (r"Q, K, V: separate projections (?P<q>\S+), (?P<k>\S+), (?P<v>\S+): (?P<f>Q = x·W_Q.*V = x·W_V(?: \+ b)?), "
     r"with the layer's own weights; head (?P<h>\d+)",
     "Q、K、V：三个独立的投影 {q}、{k}、{v}：{f}，使用该层自己的权重；第 {h} 个头"),
    (r"Q, K, V: separate projections (?P<q>\S+), (?P<k>\S+), (?P<v>\S+): (?P<f>Q = x·W_Q.*V = x·W_V(?: \+ b)?), "
     r"with the layer's own weights; head (?P<h>\d+); grouped-query: query head (?P<h2>\d+) reads key/value head "
     r"(?P<kv>\d+)",
     "Q、K、V：三个独立的投影 {q}、{k}、{v}：{f}，使用该层自己的权重；第 {h} 个头；分组查询：查询头 {h2} 读取键/值头 {kv}"),
    (r"Q, K, V: one fused projection (?P<name>\S+) \((?P<f>x·W[^,]*), (?P<n>3 × \d+) numbers per token\), split into "
     r"thirds: \[Q \| K \| V\], then each third into heads, with the layer's own weights; head (?P<h>\d+)",
     "Q、K、V：一个融合投影 {name}（{f}，每个词元 {n} 个数），切成三份：[Q | K | V]，再把每一份拆成多个头，"
     "使用该层自己的权重；第 {h} 个头"),
    (r"(?P<qkv>[QKV])(?P<t_after>(?: \(after [^)]*\))?), kv head (?P<kv>\d+), (?P<n>\d+) of (?P<d>\d+) dims",
     "{qkv}{t_after}，键/值头 {kv}，{d} 维中的 {n} 维"),
    (r"(?P<qkv>[QKV])(?P<t_after>(?: \(after [^)]*\))?), (?P<n>\d+) of (?P<d>\d+) dims",
     "{qkv}{t_after}，{d} 维中的 {n} 维"),
    (r"(?P<qkv>[QKV])(?P<t_after>(?: \(after [^)]*\))?), kv head (?P<kv>\d+)", "{qkv}{t_after}，键/值头 {kv}"),
    (r" \(after rotary\)", "（旋转之后）"),
    (r"(?P<qkv>[QK]) \(after rotary\)", "{qkv}（旋转之后）"),
    (r"scores = Q·Kᵀ (?P<t_scale>.+)", "scores = Q·Kᵀ {t_scale}"),
    (r"Q·Kᵀ (?P<t_scale>.+)", "Q·Kᵀ {t_scale}"),
    (r"× 1/√d = 1/√(?P<d>\d+)", "× 1/√d = 1/√{d}"),
    (r"weights · V, (?P<n>\d+) of (?P<d>\d+) dims", "weights · V，{d} 维中的 {n} 维"),
    (r"softmax along each row: every row sums to 1 \(here between (?P<lo>\S+) and (?P<hi>\S+)\); these are the "
     r"attention weights", "沿每一行做 softmax：每行之和为 1（这里在 {lo} 到 {hi} 之间）；这些就是注意力权重"),
    (r"mask: (?P<t_what>.+)", "掩码：{t_what}"),
    (r"rotary position embeddings, half-split \(dims i and i \+ r/2 pair up\): on all (?P<d>\d+) dims, each pair of "
     r"dims turns by the token's position × its own frequency \(cos and sin from the model's rotary table for these "
     r"positions\), in Q and K alike; so Q·Kᵀ depends on how far apart two tokens are",
     "旋转位置编码，半分式（第 i 维与第 i + r/2 维配对）：在全部 {d} 维上，每对维度按词元的位置 × 它自己的频率旋转"
     "（cos 和 sin 取自模型对这些位置的旋转表），Q 和 K 同样处理；于是 Q·Kᵀ 取决于两个词元相隔多远"),
    (r"T5's relative position bias: \+ b\[bucket\(j − i\)\] for this head, a learned number per distance bucket "
     r"\((?P<n>\d+) buckets each direction: exact for short distances, logarithmic up to (?P<m>\d+)\); the table lives "
     r"in layer 0 and every layer of the stack adds the same one",
     "T5 的相对位置偏置：为这个头加上 b[bucket(j − i)]，每个距离桶一个学习得到的数（每个方向 {n} 个桶：短距离精确，"
     "到 {m} 为止按对数划分）；这张表在第 0 层，堆栈的每一层都加同一张表"),
    (r"T5's relative position bias: \+ b\[bucket\(j − i\)\] for this head, a learned number per distance bucket "
     r"\((?P<n>\d+) buckets looking back: exact for short distances, logarithmic up to (?P<m>\d+)\); the table lives "
     r"in layer 0 and every layer of the stack adds the same one",
     "T5 的相对位置偏置：为这个头加上 b[bucket(j − i)]，每个距离桶一个学习得到的数（向前看 {n} 个桶：短距离精确，"
     "到 {m} 为止按对数划分）；这张表在第 0 层，堆栈的每一层都加同一张表"),
    (r"ALiBi: \+ m·j, the key's position j times this head's fixed slope m = (?P<m>\S+); the same for every query, "
     r"so after the softmax it costs m per token of distance",
     "ALiBi：加上 m·j，即键的位置 j 乘以这个头固定的斜率 m = {m}；对每个查询都一样，所以 softmax 之后每相隔一个词元就付出 m 的代价"),
    (r"(?P<qkv>[QK]) \(after q/k norm and rotary\)", "{qkv}（q/k 归一化和旋转之后）"),
    (r" \(after q/k norm and rotary\)", "（q/k 归一化和旋转之后）"),
    (r"Q, K, V: one fused projection (?P<name>\S+) \((?P<f>x·W[^)]*)\), split into blocks: (?P<q>\d+) query numbers, "
     r"then (?P<k>\d+) key and (?P<v>\d+) value numbers per token, with the layer's own weights; head (?P<h>\d+); "
     r"grouped-query: query head (?P<h2>\d+) reads key/value head (?P<kv>\d+)",
     "Q、K、V：一个融合投影 {name}（{f}），按块切分：每个词元先是 {q} 个查询数，再是 {k} 个键数和 {v} 个值数，"
     "使用该层自己的权重；第 {h} 个头；分组查询：查询头 {h2} 读取键/值头 {kv}"),
    (r"Q, K, V: one fused projection (?P<name>\S+) \((?P<f>x·W[^)]*)\), read per head as \[q \| k \| v\] \((?P<n>\d+) "
     r"numbers per head\), with the layer's own weights; head (?P<h>\d+)",
     "Q、K、V：一个融合投影 {name}（{f}），每个头按 [q | k | v] 读取（每个头 {n} 个数），使用该层自己的权重；第 {h} 个头"),
    (r"× 1/√(?P<n>\d+)", "× 1/√{n}"),
    (r"× 1/√d = 1/√(?P<d>\d+) × 1/\(layer \+ 1\) = 1/(?P<l>\d+)", "× 1/√d = 1/√{d} × 1/(层号 + 1) = 1/{l}"),
    (r"× 1/√d = 1/√(?P<d>\d+) × 1/\(layer \+ 1\) = 1/(?P<l>\d+) \(scale_attn_by_inverse_layer_idx\)",
     "× 1/√d = 1/√{d} × 1/(层号 + 1) = 1/{l}（scale_attn_by_inverse_layer_idx）"),
    (r"÷ √d = ÷ √(?P<d>\d+)", "÷ √d = ÷ √{d}"),
    (r"× 1/√(?P<n>\d+) \(the configured query_pre_attn_scalar, not the head size (?P<d>\d+)\)",
     "× 1/√{n}（配置中的 query_pre_attn_scalar，而不是头的维度 {d}）"),
    (r"× 1/√d = 1/√(?P<d>\d+) \(applied to Q before the product, as OPT does\)",
     "× 1/√d = 1/√{d}（像 OPT 那样在乘积之前作用于 Q）"),
    (r"no scaling \(GPT-Neo does not divide by √d\)", "不缩放（GPT-Neo 不除以 √d）"),
    (r"soft-cap: (?P<c>\S+)·tanh\(s/(?P<c2>\S+)\)", "软上限：{c}·tanh(s/{c2})"),
    (r"soft-capping: scores → (?P<c>\S+)·tanh\(scores/(?P<c2>\S+)\), so no score leaves ±(?P<c3>\S+)",
     "软上限：scores → {c}·tanh(scores/{c2})，这样没有分数会超出 ±{c3}"),
    (r"q_norm and k_norm: each query and key vector divided by its root mean square, times \(1 \+ w\) \(the layer's "
     r"own weights\), before the rotary step",
     "q_norm 和 k_norm：每个查询向量和键向量除以它的均方根，再乘以 (1 + w)（该层自己的权重），在旋转之前进行"),
    (r"rotary position embeddings, (?P<t_how>half-split \(dims i and i \+ r/2 pair up\)|interleaved \(dims 2i and 2i "
     r"\+ 1 pair up\)): on the first (?P<r>\d+) of (?P<d>\d+) dims \(partial rotary: the other (?P<o>\d+) pass as they "
     r"are\), each pair of dims turns by the token's position × its own frequency \(cos and sin from the model's "
     r"rotary table for these positions\), in Q and K alike; so Q·Kᵀ depends on how far apart two tokens are",
     "旋转位置编码，{t_how}：在 {d} 维中的前 {r} 维上（部分旋转：其余 {o} 维原样通过），每对维度按词元的位置 × 它自己的频率旋转"
     "（cos 和 sin 取自模型对这些位置的旋转表），Q 和 K 同样处理；于是 Q·Kᵀ 取决于两个词元相隔多远"),
    (r"half-split \(dims i and i \+ r/2 pair up\)", "半分式（第 i 维与第 i + r/2 维配对）"),
    (r"interleaved \(dims 2i and 2i \+ 1 pair up\)", "交错式（第 2i 维与第 2i + 1 维配对）"),
    (r"causal, local window of (?P<w>\d+)", "因果，局部窗口 {w}"),
    (r"causal, sliding window of (?P<w>\d+)", "因果，滑动窗口 {w}"),
    (r"causal, local window of (?P<w>\d+): −∞ above the diagonal and for keys (?P<w2>\d+) or more tokens back \(each "
     r"token reads itself and the (?P<k>\d+) before it(?P<t_tail>.*)\)",
     "因果，局部窗口 {w}：对角线以上以及往前 {w2} 个或更多词元的键为 −∞（每个词元读取自己和它之前的 {k} 个{t_tail}）"),
    (r"causal, sliding window of (?P<w>\d+): −∞ above the diagonal and for keys (?P<w2>\d+) or more tokens back \(each "
     r"token reads itself and the (?P<k>\d+) before it(?P<t_tail>.*)\)",
     "因果，滑动窗口 {w}：对角线以上以及往前 {w2} 个或更多词元的键为 −∞（每个词元读取自己和它之前的 {k} 个{t_tail}）"),
    (r"; layer (?P<l>\d+) is a local layer", "；第 {l} 层是局部层"),
    (r"; layer (?P<l>\d+) is a sliding layer", "；第 {l} 层是滑动窗口层"),
    (r"causal: −∞ above the diagonal \(layer (?P<l>\d+) is a global layer\)", "因果：对角线以上为 −∞（第 {l} 层是全局层）"),
    # the catalog: a packaged model whose package is missing (models.py availability)
    (r"its package is not installed on this machine: (?P<cmd>pip install .+?) \(make run does it\)",
     "本机没有安装它的软件包：{cmd}（make run 会自动安装）"),
    (r"its package is not installed on this machine: (?P<cmd>pip install .+?) and its four -partN packages",
     "本机没有安装它的软件包：{cmd}，以及它的四个 -partN 包"),
    (r"its package is not installed on this machine: (?P<cmd>.+)", "本机没有安装它的软件包：{cmd}"),
    (r"(?P<file>\S+) is missing from the package; reinstall it", "软件包里缺少 {file}；请重新安装"),
    # why a text is cut (compute/lm/inputs.py token_limit, the sentence backend)
    (r"the model's context is (?P<n>[\d,]+) tokens", "模型的上下文长度是 {n} 个词元"),
    (r"the model's context is (?P<n>[\d,]+) tokens and (?P<r>[\d,]+) are kept for what follows the prompt",
     "模型的上下文长度是 {n} 个词元，其中 {r} 个要留给提示词之后的内容"),
    (r"this app reads at most (?P<n>[\d,]+) tokens \(PLAYGROUND_MAX_PROMPT_TOKENS\)",
     "本应用最多读取 {n} 个词元（PLAYGROUND_MAX_PROMPT_TOKENS）"),
    (r"(?P<model>\S+) reads at most (?P<n>[\d,]+) tokens per sentence \(max_seq_length in (?P<src>.+)\)",
     "{model} 每个句子最多读取 {n} 个词元（{src} 中的 max_seq_length）"),
    (r"The prompt has (?P<n>\d+) tokens; the lens shows the last (?P<k>\d+)\.", "提示词有 {n} 个词元；logit lens 只显示最后 {k} 个。"),
]

from .i18n_zh_lessons import LESSONS  # noqa: E402 (the lessons' part of the same table)

ZH_CN.update(LESSONS)

from .i18n_zh_errors import ERRORS  # noqa: E402 (the compute layer's messages, same table)

for _key, _zh in ERRORS.items():
    ZH_CN.setdefault(_key, _zh)
