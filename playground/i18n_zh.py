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
}

# Texts with numbers or names in them, as the compute layer writes them (i18n._by_pattern)
PATTERNS: list[tuple[str, str]] = [
    (r"layer (?P<i>\d+)", "第 {i} 层"),
    (r"at (?P<mask>\S+)", "在 {mask} 处"),
    (r"at (?P<mask>\S+) \((?P<i>\d+) of (?P<n>\d+)\)", "在 {mask} 处（共 {n} 个，第 {i} 个）"),
    (r"chain rule over (?P<n>\d+) masks, filled left to right \(an estimate\)", "对 {n} 个掩码用链式法则，从左到右填（估计值）"),
    (r"chain rule over (?P<n>\d+) tokens", "对 {n} 个词元用链式法则"),
    (r"The prompt is empty, so the model reads only its start token (?P<tok>.+): what follows is what it expects a "
     r"text to open with\.", "提示词是空的，所以模型只读到它的起始词元 {tok}：接下来是它期待一段文本如何开头。"),
    (r"The text has (?P<n>[\d,]+) tokens and (?P<why>.+): only the last (?P<k>[\d,]+) are read(?P<t_tail>.*)\.",
     "这段文本有 {n} 个词元，而{why}：只读最后 {k} 个{t_tail}。"),
    (r"The prompt has (?P<n>\d+) tokens; the lens shows the last (?P<k>\d+)\.", "提示词有 {n} 个词元；logit lens 只显示最后 {k} 个。"),
]

from .i18n_zh_lessons import LESSONS  # noqa: E402 (the lessons' part of the same table)

ZH_CN.update(LESSONS)
