"""简体中文 for the messages the compute layer and the model catalog raise (errors.InputError / ModelUnavailable
templates, English key -> Chinese template with the same fields), merged into i18n_zh.ZH_CN like the lessons."""

ERRORS: dict[str, str] = {
    "The stack must be encoder, decoder or cross (or empty for the model's own); got {stack!r}.":
        "堆栈必须是 encoder、decoder 或 cross（留空则用模型自己的）；收到的是 {stack!r}。",
    "{model} is {kind}: its one stack is the {what}. Encoder, decoder and cross-attention stacks are for "
    "encoder-decoders (T5, BART); leave the stack empty.":
        "{model} 是{kind}：它唯一的堆栈是{what}。编码器、解码器和交叉注意力堆栈只适用于编码器-解码器模型（T5、BART）；请把堆栈留空。",
    "No {stack} attention modules ({items}) were found in {model}.":
        "在 {model} 中没有找到 {stack} 注意力模块（{items}）。",
    "The hooks did not see layer {layer}'s attention input and output in {model} ({type}); by hand cannot be "
    "compared with it.":
        "钩子没有捕获到 {model}（{type}）第 {layer} 层注意力的输入和输出；手算无法与它对比。",
    "Nothing is left once special tokens and the first token are hidden: type a longer text, or switch off 'hide "
    "special tokens and the first-token sink'.":
        "隐藏特殊词元和第一个词元之后什么都不剩了：请输入更长的文本，或关闭“隐藏特殊词元和首词元汇聚点”。",
    "bertviz's neuron view takes sentence pairs for BERT only: clear sentence B for GPT-2.":
        "bertviz 的神经元视图只对 BERT 接受句子对：对 GPT-2 请清空句子 B。",
    "bertviz's {model_type} model does not match {model}'s weights (missing {items}); the neuron view cannot be "
    "built for it.":
        "bertviz 的 {model_type} 模型与 {model} 的权重不匹配（缺少 {items}）；无法为它构建神经元视图。",
    "{type} does not say its head size; by hand cannot split it into heads.":
        "{type} 没有说明它的头维度；手算无法把它拆分成多个头。",
    "The layer's rotary table (position_embeddings) was not among its inputs; by hand cannot rotate Q and K for "
    "{type}.":
        "该层的旋转位置表（position_embeddings）不在它的输入之中；手算无法为 {type} 旋转 Q 和 K。",
    "Self-attention by hand has no recipe for {arch} models ({model_name}): its attention has not been written "
    "out step by step here. Recipes exist for {items}. The heatmaps above work for every model.":
        "手算自注意力没有 {arch} 模型（{model_name}）的算法：它的注意力还没有在这里一步步写出来。已有算法的架构：{items}。上面的热力图对所"
        "有模型都适用。",
    "{name} is empty: type a matrix of numbers, one row per token.":
        "{name} 是空的：请输入一个数字矩阵，每个词元一行。",
    "{name} must hold finite numbers between −{max_abs:g} and {max_abs:g}.":
        "{name} 必须是 −{max_abs:g} 到 {max_abs:g} 之间的有限数。",
    "{name} is {out_shape_0} × {out_shape_1}; the blackboard example takes up to {max_size} × {max_size}. For a "
    "real model's head, use the by-hand run below.":
        "{name} 是 {out_shape_0} × {out_shape_1}；黑板示例最多 {max_size} × {max_size}。要看真实模型的头"
        "，请用下面的手算。",
    "Q has {q_shape_1} columns and K has {k_shape_1}: a query and a key need the same length d for their dot "
    "product.":
        "Q 有 {q_shape_1} 列而 K 有 {k_shape_1} 列：查询和键要做点积，长度 d 必须相同。",
    "K has {k_shape_0} rows and V has {v_shape_0}: every key needs its value (one row each per token).":
        "K 有 {k_shape_0} 行而 V 有 {v_shape_0} 行：每个键都需要对应的值（每个词元各一行）。",
    "{name}, row {r_1}: every cell must be a number; got {cells!r}.":
        "{name} 第 {r_1} 行：每个单元格都必须是数字；收到的是 {cells!r}。",
    "{model} ({family}) has no {kind} attention: choose one of {items}.":
        "{model}（{family}）没有 {kind} 注意力：请从 {items} 中选择。",
    "Layer {layer} is out of range: this model has layers 0 to {num_layers_1}.":
        "第 {layer} 层超出范围：这个模型的层号是 0 到 {num_layers_1}。",
    "Head {head} is out of range: this model has heads 0 to {num_heads_1} in each layer.":
        "第 {head} 个头超出范围：这个模型每层的头编号是 0 到 {num_heads_1}。",
    "The {what} must be a whole number, counted from 0; got {value!r}.":
        "{what}必须是整数，从 0 开始计数；收到的是 {value!r}。",
    "The text has {n} tokens; {what} take at most {limit}. Shorten the text to {limit} tokens or fewer.":
        "这段文本有 {n} 个词元；{what}最多接受 {limit} 个。请把文本缩短到 {limit} 个词元以内。",
    "Type a text to look at (a sentence or two).":
        "请输入要查看的文本（一两句话）。",
    "{model} returned no attention weights. Load it with eager attention (attn_implementation='eager'): other "
    "implementations do not return them.":
        "{model} 没有返回注意力权重。请用 eager 注意力加载它（attn_implementation='eager'）：其他实现不返回注意力权重。",
    "Unknown attribution method {name!r}: choose one of {items} (or 'ig', 'gradient x input', 'leave-one-out').":
        "未知的归因方法 {name!r}：请从 {items} 中选择（或 'ig'、'gradient x input'、'leave-one-out'）。",
    "Steps must be a whole number from {min_steps} to {max_steps}; got {steps!r:.40}.":
        "步数必须是 {min_steps} 到 {max_steps} 之间的整数；收到的是 {steps!r:.40}。",
    "Steps must be from {min_steps} to {max_steps}; got {int_steps}. More steps make the integral more exact "
    "(the completeness gap shrinks) and cost one forward and backward pass each.":
        "步数必须在 {min_steps} 到 {max_steps} 之间；收到的是 {int_steps}。步数越多，积分越精确（完备性差距越小），每一步要多做"
        "一次前向和反向传播。",
    "Tick at least one method: {items}.":
        "请至少勾选一种方法：{items}。",
    "{what} {text!r} is not one token of {model}'s vocabulary: it reads as {n} tokens ({pieces}).{hint} Pick a "
    "single token (the top-k list shows them), or score a whole word as a bias-probe target.":
        "{what} {text!r} 不是 {model} 词表中的单个词元：它被读成 {n} 个词元（{pieces}）。{hint}请选一个单独的词元（top"
        "-k 列表里列出的那些），或者把整个词作为偏见探测的目标来打分。",
    "There are no words to attribute to: the text is empty (the model reads only its start token). Type a few "
    "words.":
        "没有可以归因的词：文本是空的（模型只读到它的起始词元）。请输入几个词。",
    "The text is {size:,} tokens as the model reads it; attribution reads at most {max_tokens} (a gradient keeps "
    "every layer's activations of every token in memory, and occlusion runs one row per token). Shorten it by "
    "{over:,} tokens.":
        "按模型的读法，这段文本有 {size:,} 个词元；归因最多读取 {max_tokens} 个（梯度要在内存中保留每个词元在每一层的激活，遮挡法每个词元要跑"
        "一行）。请缩短 {over:,} 个词元。",
    "{what} is empty: type a token, e.g. ' night' (with its leading space).":
        "{what}是空的：请输入一个词元，例如 ' night'（带前导空格）。",
    "The text must be text; got {type}.":
        "文本必须是文本；收到的是 {type}。",
    "The input is empty: type a sentence to classify, e.g. a short review.":
        "输入是空的：请输入要分类的句子，例如一条简短的评论。",
    "There is no label {name!r}: choose one of {items}.":
        "没有名为 {name!r} 的标签：请从 {items} 中选择。",
    "Label A and label B are the same: choose two different labels.":
        "标签 A 和标签 B 相同：请选两个不同的标签。",
    "Bias probes score masked LMs and causal LMs; {model} is {family}. Choose SmolLM2 or a masked LM.":
        "偏见探测给掩码语言模型和因果语言模型打分；{model} 是{family}。请选择 SmolLM2 或一个掩码语言模型。",
    "The target word is empty: type the word to explain, e.g. nurse.":
        "目标词是空的：请输入要解释的词，例如 nurse。",
    "The target word and the contrast word are the same: choose two different words.":
        "目标词和对比词相同：请选两个不同的词。",
    "Step {step!r} is not one of the {n} generated tokens: click a generated token (or choose a step from 1 to "
    "the number generated).":
        "第 {step!r} 步不是生成的 {n} 个词元之一：请点击一个生成的词元（或选择 1 到生成数量之间的步数）。",
    "{model} is a masked LM: put [MASK] where the predicted token goes, e.g. 'The man worked as a [MASK].'":
        "{model} 是掩码语言模型：请在要预测的词元处放 [MASK]，例如 'The man worked as a [MASK].'",
    "The target and the contrast are the same token: pick two different ones (why ' nurse' rather than ' "
    "mechanic').":
        "目标和对比是同一个词元：请选两个不同的（为什么是 ' nurse' 而不是 ' mechanic'）。",
    "{model} is a {family} model: it generates nothing, so there is no generated token to explain.":
        "{model} 是{family}：它不生成任何东西，所以没有可以解释的生成词元。",
    "The text is empty; {model} reads an input text. Type one.":
        "文本是空的；{model} 需要读取一段输入文本。请输入一段。",
    "The by-hand loop is written for causal LMs; {model} is {family}.":
        "手写循环是为因果语言模型写的；{model} 是{family}。",
    "The by-hand loop covers greedy decoding and sampling with temperature, top-k and top-p; switch off: {items}.":
        "手写循环涵盖贪心解码以及带 temperature、top-k 和 top-p 的采样；请关闭：{items}。",
    "Contrastive search here needs a causal LM; {model} is {family}. Choose another strategy or a causal model "
    "(SmolLM2, gpt2).":
        "这里的对比搜索需要因果语言模型；{model} 是{family}。请换一种策略，或选择因果模型（SmolLM2、gpt2）。",
    "Unknown strategy {name!r}; choose one of: {items}.":
        "未知的策略 {name!r}；请从以下选择：{items}。",
    "Unknown strategy {name!r}; choose one of: {items} (or leave it empty to use the knobs as given).":
        "未知的策略 {name!r}；请从以下选择：{items}（或留空，按给定的各项参数运行）。",
    "{name} must be a finite number; got {value!r}.":
        "{name} 必须是有限数；收到的是 {value!r}。",
    "{name} must be a whole number; got {value!r}.":
        "{name} 必须是整数；收到的是 {value!r}。",
    "max_new_tokens is {n}; this app allows 1 to {max_new_tokens} (PLAYGROUND_MAX_NEW_TOKENS) so that one "
    "generation cannot hold the server.":
        "max_new_tokens 是 {n}；本应用允许 1 到 {max_new_tokens}（PLAYGROUND_MAX_NEW_TOKENS），这样一"
        "次生成不会占住服务器。",
    "temperature must be 0 or more; got {t}. Below 1 sharpens the distribution, above 1 flattens it.":
        "temperature 必须大于等于 0；收到的是 {t}。小于 1 让分布更尖锐，大于 1 让分布更平坦。",
    "top_k must be 0 (off) or a positive number of tokens; got {k}.":
        "top_k 必须是 0（关闭）或正整数个词元；收到的是 {k}。",
    "top_p must be above 0 and at most 1; got {top_p}. top_p keeps the smallest set of tokens whose "
    "probabilities add up to top_p: 1 keeps every token (off), 0.9 is a common choice. top_p = 0 would keep only "
    "the most likely token, which is greedy decoding: choose the greedy strategy instead.":
        "top_p 必须大于 0 且不超过 1；收到的是 {top_p}。top_p 保留概率加起来达到 top_p 的最小词元集合：1 保留所有词元（关闭），0."
        "9 是常见取值。top_p = 0 只会保留最可能的词元，也就是贪心解码：请直接选择贪心策略。",
    "num_beams must be 1 to {max_beams}; got {beams}.":
        "num_beams 必须是 1 到 {max_beams}；收到的是 {beams}。",
    "num_return_sequences must be 1 to {max_return}; got {ret}.":
        "num_return_sequences 必须是 1 到 {max_return}；收到的是 {ret}。",
    "repetition_penalty must be above 0 (1 = off, 1.2 is typical); got {rep}.":
        "repetition_penalty 必须大于 0（1 = 关闭，常用 1.2）；收到的是 {rep}。",
    "no_repeat_ngram_size must be 0 (off) or more; got {ngram}.":
        "no_repeat_ngram_size 必须大于等于 0（0 = 关闭）；收到的是 {ngram}。",
    "penalty_alpha must be between 0 and 1 (0.6 is typical for contrastive search); got {alpha}.":
        "penalty_alpha 必须在 0 到 1 之间（对比搜索常用 0.6）；收到的是 {alpha}。",
    "seed must be between 0 and {top}; got {seed}.":
        "seed 必须在 0 到 {top} 之间；收到的是 {seed}。",
    "{n} bad words, {value} over the limit of {max_bad_words}. Keep fewer.":
        "禁用词有 {n} 个，超出上限 {max_bad_words} 个 {value} 个。请减少一些。",
    "{n} stop strings, {value} over the limit of {max_stop_strings} (one per line). Keep fewer.":
        "停止字符串有 {n} 个，超出上限 {max_stop_strings} 个 {value} 个（每行一个）。请减少一些。",
    "Contrastive search picks among the top_k most likely tokens: set top_k to 2 or more (4 is typical), or set "
    "penalty_alpha to 0.":
        "对比搜索在 top_k 个最可能的词元中挑选：请把 top_k 设为 2 或更大（常用 4），或把 penalty_alpha 设为 0。",
    "{name} must be a number; got {value!r}.":
        "{name} 必须是数字；收到的是 {value!r}。",
    "num_return_sequences ({num_return_sequences}) cannot be more than num_beams ({num_beams}) without sampling: "
    "greedy and beam search return their best num_beams hypotheses. Raise num_beams or tick 'Sample'.":
        "不采样时 num_return_sequences（{num_return_sequences}）不能大于 num_beams（{num_beams}）：贪"
        "心和束搜索返回它们最好的 num_beams 个假设。请增大 num_beams，或勾选“采样”。",
    "A {what} has {n:,} characters, {value:,} over the limit of {max_word_chars}. Shorten it.":
        "有一个{what}有 {n:,} 个字符，超出上限 {max_word_chars} {value:,} 个。请缩短它。",
    "Generate some text first: the pipeline shows one step of a generation.":
        "请先生成一些文本：流水线展示的是一次生成中的一步。",
    "Step {step_1} does not exist: this generation has steps 1 to {n}.":
        "第 {step_1} 步不存在：这次生成只有第 1 到第 {n} 步。",
    "{knob} is not offered for {model}: {reason}. Set it back to {neutral!r}, or choose a local model.":
        "{model} 不提供 {knob}：{reason}。请把它改回 {neutral!r}，或选择一个本地模型。",
    "The prompt must be text.":
        "提示词必须是文本。",
    "The prompt is empty; {model} generates from an input text (e.g. 'translate English to French: The house is "
    "small.'). Type one.":
        "提示词是空的；{model} 要根据输入文本生成（例如 'translate English to French: The house is small.'"
        "）。请输入一段。",
    "Only one greedy or sampled sequence streams; beam search and several sequences come all at once.":
        "只有单条贪心或采样序列能流式输出；束搜索和多条序列会一次性全部返回。",
    "{what} must be a whole number from {low} to {high}; got {value!r}.":
        "{what}必须是 {low} 到 {high} 之间的整数；收到的是 {value!r}。",
    "{model} is an encoder-decoder; {feature} works on encoders (all-MiniLM-L6-v2, BERT) and decoder-only LMs "
    "(SmolLM2, GPT-2).":
        "{model} 是编码器-解码器模型；{feature}适用于编码器（all-MiniLM-L6-v2、BERT）和仅解码器的语言模型（SmolLM2、GP"
        "T-2）。",
    "Type the word to follow through the sentences, e.g. bank.":
        "请输入要在各个句子中追踪的词，例如 bank。",
    "The word {word!r} has no tokens in {model}'s vocabulary.":
        "词 {word!r} 在 {model} 的词表中没有词元。",
    "Sentence {i} is over {max_tokens} tokens: shorten it.":
        "第 {i} 个句子超过 {max_tokens} 个词元：请缩短它。",
    "Sentence {i} ({shown!r}) does not contain the word {word!r} as {model} tokenizes it ({items}). Put the word "
    "in every sentence.":
        "按 {model} 的分词方式（{items}），第 {i} 个句子（{shown!r}）不包含词 {word!r}。请在每个句子里都放进这个词。",
    "The FAQ must be a table of question and answer rows; got {type}.":
        "FAQ 必须是由问题和答案组成的表格；收到的是 {type}。",
    "The FAQ is empty: add at least one question with its answer.":
        "FAQ 是空的：请至少添加一个问题及其答案。",
    "The FAQ has {n:,} entries; the limit is {max_entries}.":
        "FAQ 有 {n:,} 条；上限是 {max_entries}。",
    "Type a question to match against the FAQ.":
        "请输入一个要与 FAQ 匹配的问题。",
    "Match on {items}; got {match_on!r}.":
        "匹配对象应为 {items}；收到的是 {match_on!r}。",
    "The threshold must be from -1 to 1 (a cosine similarity); got {threshold}.":
        "阈值必须在 -1 到 1 之间（余弦相似度）；收到的是 {threshold}。",
    "FAQ row {i} needs two cells: a question and its answer.":
        "FAQ 第 {i} 行需要两个单元格：一个问题和它的答案。",
    "FAQ row {i} has {value}: fill it in or clear the row.":
        "FAQ 第 {i} 行有{value}：请填上或清空这一行。",
    "FAQ row {i} is over {max_sentence_chars:,} characters. Shorten it.":
        "FAQ 第 {i} 行超过 {max_sentence_chars:,} 个字符。请缩短它。",
    "The threshold must be a number from -1 to 1; got {threshold!r}.":
        "阈值必须是 -1 到 1 之间的数；收到的是 {threshold!r}。",
    "Type a sentence to see what the first layer reads.":
        "请输入一个句子，看看第一层读到了什么。",
    "The text is {n} tokens; the first-layer view takes at most {max_tokens}. Shorten it.":
        "这段文本有 {n} 个词元；第一层视图最多接受 {max_tokens} 个。请缩短它。",
    "The map needs at least 3 points.":
        "这张图至少需要 3 个点。",
    "The map needs at least 3 sentences; there is {n}.":
        "这张图至少需要 3 个句子；现在只有 {n} 个。",
    "The map needs at least 3 sentences; there are {n}.":
        "这张图至少需要 3 个句子；现在只有 {n} 个。",
    "The map shows at most {max_points} points; there are {n} sentences.":
        "这张图最多显示 {max_points} 个点；现在有 {n} 个句子。",
    "{n} groups for {n2} sentences: give one group per sentence.":
        "{n} 个分组对应 {n2} 个句子：请每个句子给一个分组。",
    "The map needs at least 3 tokens; got {n}. Separate them with commas.":
        "这张图至少需要 3 个词元；收到 {n} 个。请用逗号分隔。",
    "The map shows at most {max_points} tokens; got {n}.":
        "这张图最多显示 {max_points} 个词元；收到 {n} 个。",
    "{n} groups for {n2} tokens: give one group per token.":
        "{n} 个分组对应 {n2} 个词元：请每个词元给一个分组。",
    "Choose a point from 0 to {last}; got {index!r}.":
        "请选择 0 到 {last} 之间的点；收到的是 {index!r}。",
    "Give the {what}s as a list of texts (or one per line); got {type}.":
        "请以文本列表的形式给出{what}（或每行一个）；收到的是 {type}。",
    "That is {n:,} {what}s; the limit is {high:,}. Remove some.":
        "一共 {n:,} 个{what}；上限是 {high:,}。请删掉一些。",
    "Unknown pooling {pooling!r}: choose auto, {items}.":
        "未知的池化方式 {pooling!r}：请选择 auto 或 {items}。",
    "{pooling} pooling is for encoders ([CLS] is BERT's first token); for a causal LM choose mean or last.":
        "{pooling} 池化适用于编码器（[CLS] 是 BERT 的第一个词元）；因果语言模型请选 mean 或 last。",
    "The sentences must be text; got {type}.":
        "句子必须是文本；收到的是 {type}。",
    "{what} {i} must be text; got {type}.":
        "第 {i} 个{what}必须是文本；收到的是 {type}。",
    "{what} {i} is empty: remove it or type a few words.":
        "第 {i} 个{what}是空的：请删掉它或输入几个词。",
    "{what} {i} has {n:,} characters; the limit is {max_sentence_chars:,}. Shorten it.":
        "第 {i} 个{what}有 {n:,} 个字符；上限是 {max_sentence_chars:,}。请缩短它。",
    "{model} has no input embedding matrix to read.":
        "{model} 没有可读取的输入嵌入矩阵。",
    "The token must be text; got {type}.":
        "词元必须是文本；收到的是 {type}。",
    "Type a token, for example 'king' (or ' king' with its leading space for GPT-style byte-level BPE).":
        "请输入一个词元，例如 'king'（对 GPT 式的字节级 BPE，可以输入带前导空格的 ' king'）。",
    "A token is short; this is {n:,} characters. Type one word or word piece.":
        "词元都很短；这个有 {n:,} 个字符。请输入一个词或一个子词。",
    "{text!r} is {n} tokens in {model}: {shown}. The embedding matrix has one row per token: type one of the "
    "pieces (as it reads, or as the vocabulary spells it).":
        "{text!r} 在 {model} 中是 {n} 个词元：{shown}。嵌入矩阵每个词元一行：请输入其中一个片段（按它的读法，或按词表的写法）。",
    "{text!r} is not in {model}'s vocabulary (it becomes the unknown token {unk_token!r}). Try another spelling.":
        "{text!r} 不在 {model} 的词表中（它会变成未知词元 {unk_token!r}）。请换一种拼写。",
    "Type an expression such as: king - man + woman":
        "请输入一个表达式，例如：king - man + woman",
    "The expression needs at least two tokens joined by + or -, e.g. king - man + woman.":
        "表达式至少需要两个用 + 或 - 连接的词元，例如 king - man + woman。",
    "The expression has {n} tokens; use at most {max_terms}.":
        "表达式有 {n} 个词元；最多用 {max_terms} 个。",
    "{what} needs {op}: {why}.":
        "{what}需要 {op}：{why}。",
    "{model} reads at most {context:,} tokens in all, the prompt included: ask for fewer than {context:,} new "
    "tokens (or a shorter continuation).":
        "{model} 总共最多读取 {context:,} 个词元（包括提示词）：请把新词元数设得少于 {context:,}（或用更短的续写）。",
    "{what} would run {tokens:,} tokens through the model, {tokens_cap:,} over the limit of {cap:,} per request "
    "(PLAYGROUND_MAX_WORK_TOKENS). Use fewer or shorter texts, labels or examples.":
        "{what}要让模型处理 {tokens:,} 个词元，比每次请求的上限 {cap:,} 多出 {tokens_cap:,} 个（PLAYGROUND_MA"
        "X_WORK_TOKENS）。请使用更少或更短的文本、标签或样例。",
    "Sentence B is for BERT-style encoders (sentence pairs with [SEP]); {model} is {family}. Clear sentence B, "
    "or choose an encoder such as all-MiniLM-L6-v2.":
        "句子 B 用于 BERT 式编码器（用 [SEP] 连接的句子对）；{model} 是{family}。请清空句子 B，或选择 all-MiniLM-L6-"
        "v2 这样的编码器。",
    "The decoder text is {n:,} tokens and {why}. Shorten it.":
        "解码器文本有 {n:,} 个词元，而{why}。请缩短它。",
    "A row to embed has no tokens.":
        "要嵌入的某一行没有词元。",
    "Nothing to score: the continuation has no tokens.":
        "没有可打分的内容：续写没有词元。",
    "This model has no mask token, so it cannot score a word in a slot.":
        "这个模型没有掩码词元，所以无法给空位中的词打分。",
    "A seq2seq score needs the decoder start token before the target.":
        "序列到序列的打分需要在目标之前放解码器起始词元。",
    "The model has no start token, so the first token of a text cannot be scored: put a few words before it.":
        "这个模型没有起始词元，所以无法给文本的第一个词元打分：请在它前面加几个词。",
    "{name} is a {family} model: a blank in a text is for masked and causal LMs.":
        "{name} 是{family}：文本中的空位只适用于掩码语言模型和因果语言模型。",
    "There is no room for the text: {why}. Ask for fewer new tokens or a shorter continuation.":
        "没有容纳这段文本的空间：{why}。请减少新词元数，或用更短的续写。",
    "The sentence must be text; got {type}.":
        "句子必须是文本；收到的是 {type}。",
    "The text needs exactly one [MASK] for the blank; it has {n}.":
        "这段文本的空位需要恰好一个 [MASK]；现在有 {n} 个。",
    "{what} {text!r} has no tokens in {name}'s vocabulary: remove it or spell it differently.":
        "{what} {text!r} 在 {name} 的词表中没有词元：请删掉它或换一种拼写。",
    "{what} {shown!r} is {n:,} tokens, {len_ids_cap:,} over the limit of {cap} tokens for one word or phrase. "
    "Shorten it.":
        "{what} {shown!r} 有 {n:,} 个词元，比一个词或短语的上限 {cap} 个词元多出 {len_ids_cap:,} 个。请缩短它。",
    "{name} has no chat template: switch the chat template off.":
        "{name} 没有聊天模板：请关闭聊天模板。",
    "The sentence is empty and {name} has no start token. Type a few words.":
        "句子是空的，而 {name} 没有起始词元。请输入几个词。",
    "The sentence gave no tokens. Type a few words.":
        "这个句子没有得到任何词元。请输入几个词。",
    "{name} has no mask token, so it cannot fill a blank.":
        "{name} 没有掩码词元，所以无法填空。",
    "The text is too long: {why}, and cutting it loses the blank. Shorten it.":
        "文本太长：{why}，而截断会丢掉空位。请缩短它。",
    "The blank opens the text and {name} has no start token to predict from. Put words before the blank.":
        "空位在文本开头，而 {name} 没有可以据以预测的起始词元。请在空位前加几个词。",
    "The prompt is empty and {name} has no start token to begin from. Type a few words.":
        "提示词是空的，而 {name} 没有可以开始的起始词元。请输入几个词。",
    "There is no room for the sentence: {why}.":
        "没有容纳这个句子的空间：{why}。",
    "{model} is unavailable: {note}, and {source} has no tokenize endpoint, so its prompts cannot be read as "
    "token ids.":
        "{model} 不可用：{note}，而 {source} 没有分词接口，所以无法把它的提示词读成词元 id。",
    "{model} is unavailable: {value}.":
        "{model} 不可用：{value}。",
    "{model} is unavailable ({what}): {message}.":
        "{model} 不可用（{what}）：{message}。",
    "{model} is a causal model behind a server: it scores tokens after a context only.":
        "{model} 是服务器上的因果模型：它只能给上下文之后的词元打分。",
    "{url} scored other tokens than those asked for; not used.":
        "{url} 打分的词元与请求的不同；不予采用。",
    "{what} on {model}: {message}.":
        "{model} 上的{what}：{message}。",
    "The model's sentence-transformers pooling ({value}) is not one this app computes; choose a pooling "
    "({items}) explicitly.":
        "该模型的 sentence-transformers 池化方式（{value}）不在本应用能计算的范围内；请明确选择一种池化方式（{items}）。",
    "The model's sentence-transformers pooling is {mode!r}, which this app does not compute; choose a pooling "
    "({items}) explicitly.":
        "该模型的 sentence-transformers 池化方式是 {mode!r}，本应用无法计算；请明确选择一种池化方式（{items}）。",
    "Type at least one continuation, e.g. night, day (one per line or separated by commas).":
        "请至少输入一个续写，例如 night, day（每行一个，或用逗号分隔）。",
    "Every continuation is empty. Type words such as night, day.":
        "每个续写都是空的。请输入像 night, day 这样的词。",
    "At most {max_items} continuations at once (you typed {n}).":
        "一次最多 {max_items} 个续写（你输入了 {n} 个）。",
    "The encoder needs a text: type one (e.g. \"translate English to French: The house\").":
        "编码器需要一段文本：请输入一段（例如 \"translate English to French: The house\"）。",
    "{model} sent no next tokens for this prompt; try another prompt.":
        "{model} 对这个提示词没有返回下一个词元；请换一个提示词。",
    "Choose a temperature 0 or more (0 means always the top token); got {temperature!r}.":
        "请选择大于等于 0 的温度（0 表示总是取概率最高的词元）；收到的是 {temperature!r}。",
    "k must be a whole number from 1 to {max_k}; got {top_k!r}.":
        "k 必须是 1 到 {max_k} 之间的整数；收到的是 {top_k!r}。",
    "No mask in the text. Put {mask} where the missing word goes, e.g. \"The capital of France is {mask}.\" "
    "({name} spells its mask token {mask}; [MASK] and <mask> are accepted too).":
        "文本中没有掩码。请在缺失的词处放 {mask}，例如 \"The capital of France is {mask}.\"（{name} 的掩码词元写作"
        " {mask}；也接受 [MASK] 和 <mask>）。",
    "The text has {n} mask(s); choose a mask number from 1 to {n}.":
        "文本中有 {n} 个掩码；请选择 1 到 {n} 之间的掩码编号。",
    "The logit lens reads a causal LM's layers through its unembedding; {model} is a {family} model. Choose a "
    "causal model (SmolLM2, GPT-2).":
        "logit lens 通过因果语言模型的反嵌入读取它的各层；{model} 是{family}。请选择因果模型（SmolLM2、GPT-2）。",
    "max_positions must be from 1 to 256.":
        "max_positions 必须在 1 到 256 之间。",
    "{model} does not return its hidden states, so the logit lens cannot read them.":
        "{model} 不返回隐藏状态，所以 logit lens 无法读取。",
    "The logit lens does not know where {type} keeps its final norm.":
        "logit lens 不知道 {type} 把最后的归一化层放在哪里。",
    "The logit lens could not reproduce {model}'s output from its last hidden state (off by {diff:.3g}); this "
    "architecture applies something after the final norm that the lens does not know.":
        "logit lens 无法从 {model} 的最后一个隐藏状态复现它的输出（相差 {diff:.3g}）；这种架构在最后的归一化之后还做了 logit l"
        "ens 不知道的处理。",
    "{what} is empty. Type a sentence with [MASK] where the missing word goes, e.g. 'The man worked as a [MASK].'":
        "{what}是空的。请输入一个在缺失词处放 [MASK] 的句子，例如 'The man worked as a [MASK].'",
    "{what} has {n:,} characters; the limit is {max_chars}. Probes are single sentences.":
        "{what}有 {n:,} 个字符；上限是 {max_chars}。探测用的都是单句。",
    "k must be from 1 to {max_k}; got {k}.":
        "k 必须在 1 到 {max_k} 之间；收到的是 {k}。",
    "There is no mask in the text. Put [MASK] (or <mask>) where the missing word goes, e.g. 'The woman worked as "
    "a [MASK].'":
        "文本中没有掩码。请在缺失的词处放 [MASK]（或 <mask>），例如 'The woman worked as a [MASK].'",
    "The text has {n} masks, and {model} is a {family} model: it reads left to right and fills one blank at a "
    "time. Keep a single [MASK] (masked LMs can fill several).":
        "文本中有 {n} 个掩码，而 {model} 是{family}：它从左到右读，一次只填一个空。请只保留一个 [MASK]（掩码语言模型可以填多个）。",
    "{model} has no sentinel tokens (<extra_id_0>), so it cannot fill a blank. Choose a masked LM or a causal "
    "LM, or t5-small.":
        "{model} 没有哨兵词元（<extra_id_0>），所以无法填空。请选择掩码语言模型、因果语言模型，或 t5-small。",
    "No templates. Write one per line, each with {group} and one [MASK], e.g. 'The {group} worked as a [MASK].'":
        "没有模板。请每行写一个，每个都包含 {group} 和一个 [MASK]，例如 'The {group} worked as a [MASK].'",
    "The group list is empty. Give at least one group, one per line or comma-separated (e.g. man, woman).":
        "分组列表是空的。请至少给出一个分组，每行一个或用逗号分隔（例如 man, woman）。",
    "The target list is empty. Give the words to score in the blank, one per line or comma-separated (e.g. "
    "nurse, engineer).":
        "目标列表是空的。请给出要在空位中打分的词，每行一个或用逗号分隔（例如 nurse, engineer）。",
    "{n} × {n2} × {n3} = {cells:,} cells; the limit is {max_cells:,}. Use fewer templates, groups or targets.":
        "{n} × {n2} × {n3} = {cells:,} 个单元格；上限是 {max_cells:,}。请减少模板、分组或目标。",
    "Bias probes score masked LMs and causal LMs; {model} is {family}. Choose bert-base-uncased or SmolLM2 / "
    "gpt2.":
        "偏见探测给掩码语言模型和因果语言模型打分；{model} 是{family}。请选择 bert-base-uncased 或 SmolLM2 / gpt2。",
    "Choose two groups of this probe: {items}.":
        "请从这个探测的分组中选两个：{items}。",
    "k must be a whole number from 1 to {max_k}; got {k!r}.":
        "k 必须是 1 到 {max_k} 之间的整数；收到的是 {k!r}。",
    "The template {template!r} has no {{group}}: write where the group goes, e.g. 'The {{group}} worked as a "
    "[MASK].'":
        "模板 {template!r} 中没有 {{group}}：请写明分组放在哪里，例如 'The {{group}} worked as a [MASK].'",
    "The template {template!r} has {n} masks; a probe template needs exactly one [MASK] (the slot the target "
    "words are scored in).":
        "模板 {template!r} 有 {n} 个掩码；探测模板需要恰好一个 [MASK]（给目标词打分的空位）。",
    "A template is over {max_chars} characters; probes are single sentences.":
        "有一个模板超过 {max_chars} 个字符；探测用的都是单句。",
    "{n} {name}, {len_items_cap} over the limit of {cap}. Keep fewer.":
        "{n} 个{name}，超出上限 {cap} 个 {len_items_cap} 个。请减少一些。",
    "A {name} has {n:,} characters, {value:,} over the limit of {max_item_chars}: groups and targets are words "
    "or short phrases.":
        "有一个{name}有 {n:,} 个字符，超出上限 {max_item_chars} {value:,} 个：分组和目标应当是词或短语。",
    "{model} is a masked LM: it fills a [MASK] but does not continue a text. Use the label scores, or a causal "
    "model for the continuation.":
        "{model} 是掩码语言模型：它填 [MASK]，但不续写文本。请使用标签得分，或用因果模型来续写。",
    "No data set {name!r}. Choose one of: {items}; or upload a CSV.":
        "没有名为 {name!r} 的数据集。请从以下选择：{items}；或上传一个 CSV。",
    "{source} is {value:.1f} MB; the limit is {limit_mb:.0f} MB ({max_examples} examples). Send a sample of it.":
        "{source} 有 {value:.1f} MB；上限是 {limit_mb:.0f} MB（{max_examples} 个样例）。请只发送其中的一部分"
        "样本。",
    "{source} looks like a binary file, not a CSV: save it as CSV UTF-8.":
        "{source} 看起来是二进制文件，不是 CSV：请另存为 UTF-8 编码的 CSV。",
    "{source} needs a header row with the columns text and label; it has {value}. Example first line: text,label":
        "{source} 需要一个包含 text 和 label 两列的表头行；它现在是 {value}。第一行示例：text,label",
    "{source} has a header but no examples.":
        "{source} 有表头但没有样例。",
    "{source} is {value:.1f} MB; the limit is {limit_mb:.0f} MB ({max_examples} examples). Upload a sample of it.":
        "{source} 有 {value:.1f} MB；上限是 {limit_mb:.0f} MB（{max_examples} 个样例）。请只上传其中的一部分"
        "样本。",
    "{source} is {len_data_1e6:.1f} MB; the limit is {limit_mb:.0f} MB ({max_examples} examples). Upload a "
    "sample of it.":
        "{source} 有 {len_data_1e6:.1f} MB；上限是 {limit_mb:.0f} MB（{max_examples} 个样例）。请只上"
        "传其中的一部分样本。",
    "{source} could not be read as CSV: {exc}.":
        "{source} 无法按 CSV 读取：{exc}。",
    "{source} is not UTF-8 text (byte {start}). Save it as CSV UTF-8 and upload it again.":
        "{source} 不是 UTF-8 文本（第 {start} 个字节）。请另存为 UTF-8 编码的 CSV 后重新上传。",
    "{source}, line {n}: every row needs both a text and a label.":
        "{source} 第 {n} 行：每一行都需要一个文本和一个标签。",
    "{source}, line {n}: the text is {n2:,} characters; the limit per example is {max_text_chars:,}.":
        "{source} 第 {n} 行：文本有 {n2:,} 个字符；每个样例的上限是 {max_text_chars:,}。",
    "{source} has more than {max_examples} examples; upload a sample of it.":
        "{source} 的样例超过 {max_examples} 个；请只上传其中的一部分样本。",
    "{n} demonstrations is more than {max_demos}; a few-shot prompt needs a handful.":
        "{n} 个示例超过了 {max_demos} 个；少样本提示词只需要几个。",
    "{what} must be a whole number from {lo} to {hi}; got {value!r}.":
        "{what}必须是 {lo} 到 {hi} 之间的整数；收到的是 {value!r}。",
    "Demonstration {n} has an input but no output (or the other way round): fill both.":
        "第 {n} 个示例有输入但没有输出（或者反过来）：请两个都填上。",
    "Unknown order {order!r}: choose \"as entered\" or \"shuffled\".":
        "未知的顺序 {order!r}：请选择 \"as entered\" 或 \"shuffled\"。",
    "{what} must be a whole number from {lo} to {hi}.":
        "{what}必须是 {lo} 到 {hi} 之间的整数。",
    "{model} is a masked LM: it cannot write a free-text answer. Choose a causal or seq2seq model, or a data set "
    "with a few fixed labels.":
        "{model} 是掩码语言模型：它无法写出自由文本的回答。请选择因果模型或序列到序列模型，或者一个只有几个固定标签的数据集。",
    "No examples to evaluate: choose a data set or upload a CSV (text,label).":
        "没有可评估的样例：请选择一个数据集，或上传一个 CSV（text,label）。",
    "The data set's label(s) {items} are not among the labels ({items2}). Give every label that occurs in the "
    "data, or pick a data set with these labels.":
        "数据集中的标签 {items} 不在给定的标签（{items2}）之中。请给出数据中出现的每一个标签，或选择一个带这些标签的数据集。",
    "Every example is also a demonstration: nothing is left to evaluate.":
        "每个样例同时也是示例：没有剩下可以评估的样例。",
    "{model} predicts {items}, none of which is one of the labels ({items2}). Name the labels as the classifier "
    "does.":
        "{model} 预测的是 {items}，其中没有一个是给定的标签（{items2}）。请按分类器的叫法给标签命名。",
    "Order sensitivity needs at least two demonstrations to reorder: add rows to the table.":
        "顺序敏感性至少需要两个示例才能重新排序：请在表格中添加行。",
    "The text to classify is empty: type a sentence, e.g. a short review.":
        "要分类的文本是空的：请输入一个句子，例如一条简短的评论。",
    "The text is {n:,} characters; classify up to {max_text_chars:,} at a time.":
        "文本有 {n:,} 个字符；一次最多分类 {max_text_chars:,} 个字符。",
    "The prompt has no mask for the label: put {mask_token} (or [MASK]) in the template.":
        "提示词中没有放标签的掩码：请在模板中放 {mask_token}（或 [MASK]）。",
    "The template is empty. Write one with {{text}} where the input goes, e.g. {sentiment_template!r}.":
        "模板是空的。请写一个模板，在放输入的地方写 {{text}}，例如 {sentiment_template!r}。",
    "The template has no {{text}}: put {{text}} where the input goes, e.g. {sentiment_template!r}.":
        "模板中没有 {{text}}：请在放输入的地方写 {{text}}，例如 {sentiment_template!r}。",
    "The template has {text} more than once: keep one.":
        "模板中的 {text} 出现了不止一次：只保留一个。",
    "A masked LM scores the label at a mask: put [MASK] in the template where the label word goes, e.g. "
    "\"Review: {text} Sentiment: [MASK].\"":
        "掩码语言模型在掩码处给标签打分：请在模板中放标签词的地方写 [MASK]，例如 \"Review: {text} Sentiment: [MASK].\"",
    "The template has more than one mask: keep one [MASK], where the label word goes.":
        "模板中有不止一个掩码：只保留一个 [MASK]，放在标签词的位置。",
    "No labels. Give at least two, one per line as \"label: verbalizer\", e.g.\n{sentiment_labels}":
        "没有标签。请至少给出两个，每行一个，格式为 \"label: verbalizer\"，例如：\n{sentiment_labels}",
    "Give at least two labels to choose between (one per line, e.g. \"positive: positive\").":
        "请至少给出两个可供选择的标签（每行一个，例如 \"positive: positive\"）。",
    "{n} labels is more than the {max_labels} this view compares; keep fewer.":
        "{n} 个标签超过了这个视图能比较的 {max_labels} 个；请减少一些。",
    "A label has no name: write \"name: verbalizer\", e.g. \"positive: great\".":
        "有一个标签没有名字：请写成 \"name: verbalizer\"，例如 \"positive: great\"。",
    "The label {name!r} appears twice: each label once.":
        "标签 {name!r} 出现了两次：每个标签只写一次。",
    "Labels must be text (one \"label: verbalizer\" per line) or a list.":
        "标签必须是文本（每行一个 \"label: verbalizer\"）或列表。",
    "Could not read the label {item!r}: give a name, or a name and a verbalizer.":
        "无法读取标签 {item!r}：请给出一个名字，或一个名字加一个标签词。",
    "No ids to decode: type token ids separated by commas or spaces, e.g. 1589, 436, 253.":
        "没有要解码的 id：请输入用逗号或空格分隔的词元 id，例如 1589, 436, 253。",
    "{n:,} ids is too many to decode here; the limit is {max_ids:,}.":
        "{n:,} 个 id 太多，这里无法解码；上限是 {max_ids:,}。",
    "Id {bad_0} is outside this vocabulary: ids run from 0 to {size_1:,}.":
        "id {bad_0} 超出了这个词表：id 的范围是 0 到 {size_1:,}。",
    "{value} has no chat template: untick 'Wrap in chat template'.":
        "{value} 没有聊天模板：请取消勾选“套用聊天模板”。",
    "{item_40!r} is not a token id: ids are whole numbers such as 1589.":
        "{item_40!r} 不是词元 id：id 是像 1589 这样的整数。",
    "{field} must be one of: {items}; got {shown_value}.":
        "“{field}”必须是以下之一：{items}；收到的是 {shown_value}。",
    "{field} must be a list of rows, each a list of text cells, e.g. [[\"input\", \"output\"]]; got {kind_value}.":
        "“{field}”必须是行的列表，每行是文本单元格的列表，例如 [[\"input\", \"output\"]]；收到的是 {kind_value}。",
    "{field} has {n} rows, {len_value_max_rows} over the limit of {max_rows}.":
        "“{field}”有 {n} 行，超出上限 {max_rows} 行 {len_value_max_rows} 行。",
    "Unknown device {device!r}: choose auto, cpu, cuda or mps.":
        "未知的设备 {device!r}：请选择 auto、cpu、cuda 或 mps。",
    "Unknown dtype {dtype!r}: choose auto, float32, bfloat16 or float16.":
        "未知的精度 {dtype!r}：请选择 auto、float32、bfloat16 或 float16。",
    "Unknown model {name!r}: {hint}.":
        "未知的模型 {name!r}：{hint}。",
    "No model chosen: pick one in the model picker at the top.":
        "还没有选择模型：请在顶部的模型选择器中选一个。",
    "That path is not a model folder inside the allowed model folders. Put the model folder under a directory "
    "listed in PLAYGROUND_MODEL_DIRS on the server (or pick a model from the list).":
        "这个路径不是允许的模型目录中的模型文件夹。请把模型文件夹放到服务器上 PLAYGROUND_MODEL_DIRS 列出的某个目录下（或从列表中选择一个模型）"
        "。",
    "{model} ({family}) cannot do {capability}.{why} Models that can: {value}.":
        "{model}（{family}）不能做{capability}。{why}能做的模型：{value}。",
    "{model} is unavailable: {reason}.":
        "{model} 不可用：{reason}。",
    "{model} is a tokenizer only: it has no weights to load.":
        "{model} 只是一个分词器：它没有可加载的权重。",
    "{model} runs on a server ({source}): there are no weights to load here. Open it through the core "
    "(playground.compute.lm.open_backend), as every tab does.":
        "{model} 运行在服务器上（{source}）：这里没有可加载的权重。请像每个标签页那样，通过核心（playground.compute.lm.open"
        "_backend）打开它。",
    "{model}'s tokenizer is not here ({note}). The server tokenizes for the other tabs, but the Tokenizer tab "
    "needs the tokenizer itself (offsets, bytes).":
        "{model} 的分词器不在这里（{note}）。其他标签页由服务器分词，但“分词器”标签页需要分词器本身（偏移量、字节）。",
    "Unknown model {name!r}: no server serves it now ({self_remote_serving}). Pick one from the list.":
        "未知的模型 {name!r}：现在没有服务器提供它（{self_remote_serving}）。请从列表中选一个。",
    "Could not read the config of {hub_id!r} from the hub: {exc}":
        "无法从 Hub 读取 {hub_id!r} 的配置：{exc}",
    "{model} is unavailable: its folder is gone or no longer inside the allowed model folders.":
        "{model} 不可用：它的文件夹已不存在，或已不在允许的模型目录之内。",
    "{url} does not serve {model!r}; it serves: {value}.":
        "{url} 不提供 {model!r}；它提供的是：{value}。",
    "Typed server URLs are off: ask the administrator to list the server in PLAYGROUND_REMOTE_URLS (or to set "
    "PLAYGROUND_ALLOW_REMOTE_URLS=1), or pick a model from the list.":
        "手动输入服务器 URL 的功能已关闭：请让管理员把该服务器列入 PLAYGROUND_REMOTE_URLS（或设置 PLAYGROUND_ALLOW_RE"
        "MOTE_URLS=1），或从列表中选择一个模型。",
    "{url} is unavailable: {error}.":
        "{url} 不可用：{error}。",
    "{exc}.":
        "{exc}。",
    "{url} serves {n} models ({value}): type the URL, a space and one of them.":
        "{url} 提供 {n} 个模型（{value}）：请输入 URL、一个空格，再加其中一个模型名。",
    "{what} ended without a result.":
        "{what}结束了，但没有结果。",
    "{name} must be a list of texts (or one text, one per line); got {F__kind_value}.":
        "{name} 必须是文本列表（或一段文本，每行一个）；收到的是 {F__kind_value}。",
    "{name} has {n} texts, {value} over the limit of {max_items}.":
        "{name} 有 {n} 段文本，超出上限 {max_items} 段 {value} 段。",
    "The model view takes at most {BERTVIZ_MAX_TOKENS} tokens; this text has {n}. Shorten it.":
        "模型视图最多接受 {BERTVIZ_MAX_TOKENS} 个词元；这段文本有 {n} 个。请缩短它。",
    "Layers {first}–{last} would draw {value:,} lines; the model view stays interactive up to "
    "{model_view_max_lines:,}. At {n} tokens that is {fit} layer(s) at a time: narrow the range (or shorten the "
    "text).":
        "第 {first}–{last} 层要画 {value:,} 条线；模型视图在 {model_view_max_lines:,} 条以内才能流畅交互。在 {"
        "n} 个词元下，一次只能看 {fit} 层：请缩小层的范围（或缩短文本）。",
    "Steps must be a whole number from {MIN_STEPS} to {MAX_STEPS}.":
        "步数必须是 {MIN_STEPS} 到 {MAX_STEPS} 之间的整数。",
    "Choose a data set (reviews, en-fr) or send csv_text with a text,label header.":
        "请选择一个数据集（reviews、en-fr），或发送带 text,label 表头的 csv_text。",
}
