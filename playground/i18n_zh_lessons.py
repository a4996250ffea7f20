"""简体中文 for the lessons (assets/presets/*.json): titles, points, notes and offline notes. Part of the one
translation table (i18n_zh.ZH_CN takes these in); keys are the presets' English texts, a title without its number."""

LESSONS: dict[str, str] = {
    # tokenizer: subwords
    'Subwords':
        '子词',
    'Most words are one token, a rarer word breaks into pieces, and the space belongs to the token after it.':
        '大多数词是一个词元，较少见的词会拆成几块，而空格属于它后面的那个词元。',
    'Most words are one token, and **the space belongs to the token** that follows it (spelled `Ġ` in the table). A rarer word breaks into pieces: hover over the spans, read the ids in the table, and see them decoded back to text under *Ids → text*.':
        '大多数词是一个词元，而且**空格属于它后面的那个词元**（在表中写作 `Ġ`）。较少见的词会拆成几块：把鼠标悬停在各个片段上，读一读表中的 id，再到 *id → 文本* 下看它们被解码回文本。',
    'GPT-2 is not reachable here, so SmolLM2 stands in: it uses the same kind of byte-level BPE. Its larger vocabulary keeps " stormy" whole (GPT-2 splits it into " storm" + "y"), but " unbelievably" still splits into three pieces.':
        '这里连不上 GPT-2，所以由 SmolLM2 代替：它用的是同一种字节级 BPE。它的词表更大，" stormy" 保持完整（GPT-2 会把它拆成 " storm" + "y"），但 " unbelievably" 仍然拆成三块。',
    # tokenizer: per-word
    'Tokens per word':
        '每个词有几个词元',
    'Characters, words and tokens counted: about 1.3 tokens per English word, and the vocabulary size.':
        '数一数字符、词和词元：英文每个词约 1.3 个词元，以及词表大小。',
    'Read the cards: characters, words, tokens and **tokens per word** (about 1.3 for English prose), and the vocabulary size (50,257 for GPT-2). The comparison shows how another vocabulary counts the same text.':
        '看这几张卡片：字符数、词数、词元数和**每词词元数**（英文散文约 1.3），以及词表大小（GPT-2 为 50,257）。对比部分展示了另一个词表如何计数同一段文本。',
    "GPT-2 is not reachable here, so SmolLM2 (vocabulary 49,152) stands in; its tokens per word on English prose is close to GPT-2's.":
        '这里连不上 GPT-2，所以由 SmolLM2（词表 49,152）代替；它在英文散文上的每词词元数与 GPT-2 相近。',
    # tokenizer: three-ways
    'Three ways to split':
        '三种切分方式',
    'Characters, words and subword tokens on one text: sequence length, a misspelling, run / runs / running, Chinese, and the characters a WordPiece vocabulary cannot spell ([UNK]).':
        '同一段文本按字符、按词、按子词词元切分：序列长度、拼写错误、“run / runs / running”、中文，以及 WordPiece 词表拼不出的字符（[UNK]）。',
    'Characters give long sequences but never an unknown word; whole words give short sequences but cannot spell a typo or a new word. Subwords sit in between: "run / runs / running" stay whole, a misspelling breaks into pieces, and a byte-level BPE spells every Chinese character, as one to three byte pieces (drawn as one chip, so the panel says how many tokens and how many chips). A WordPiece vocabulary has no byte pieces: a character it lacks becomes its unknown token, drawn with a red dashed outline and labelled [UNK], and counted in the side-by-side header.':
        '按字符切分序列很长，但永远不会出现未知词；按整词切分序列很短，却拼不出错别字或新词。子词介于两者之间："run / runs / running" 保持完整，拼错的词拆成几块，而字节级 BPE 能拼出每一个汉字，每个汉字是一到三个字节片段（画成一块，所以面板会同时说明有多少个词元、画成多少块）。WordPiece 词表没有字节片段：它没有的字符会变成未知词元，用红色虚线框画出并标为 [UNK]，并计入并排对比的标题中。中文句子“我喜欢学习新的语言。”按字符是 10 个字，按词大约是 我 / 喜欢 / 学习 / 新的 / 语言 五个词，而按子词要看词表：BERT 式的中文词表一个汉字一个词元，字节级 BPE 则可能把一个汉字拆成两三个字节片段。',
    "GPT-2 and T5 are not reachable here: SmolLM2 (byte-level BPE) and MiniLM (BERT's WordPiece) show the contrast side by side. SmolLM2 reads the text as 38 tokens, drawn as 28 chips: the ten Chinese characters take 20 byte pieces, and none is unknown. MiniLM reads it as 28 tokens, 5 of them [UNK]: its vocabulary has “我”, “学”, “新” and “的” but not “喜”, “欢”, “习”, “语” or “言”, so for the model those five characters are lost.":
        '这里连不上 GPT-2 和 T5：由 SmolLM2（字节级 BPE）和 MiniLM（BERT 的 WordPiece）并排展示两者的差别。SmolLM2 把这段文本读成 38 个词元，画成 28 块：十个汉字占了 20 个字节片段，没有一个是未知的。MiniLM 把它读成 28 个词元，其中 5 个是 [UNK]：它的词表里有 我、学、新 和 的，却没有 喜、欢、习、语、言，所以对模型来说这五个字丢失了。',
    # tokenizer: three-ways-chinese
    'Three ways to split Chinese':
        '中文的三种切分方式',
    'A Chinese sentence as characters, words and subwords: no spaces between words, and one character as one to three byte pieces.':
        '一个中文句子按字符、按词、按子词切分：词与词之间没有空格，一个汉字是一到三个字节片段。',
    'Chinese writes no spaces between words, so splitting on spaces and punctuation finds whole clauses, not words (“我喜欢学习新的语言” is one “word”), while characters are the natural unit. A byte-level BPE spells every character from its UTF-8 bytes: a frequent character is one token, a rarer one two or three **byte pieces**, drawn as one chip; read the bytes of each piece in the token table. A Chinese-trained vocabulary (Qwen2.5, bert-base-chinese) has whole characters and words, so it needs far fewer tokens for the same sentence.':
        '中文的词与词之间不写空格，所以按空格和标点切分得到的是整个分句而不是词（“我喜欢学习新的语言”算作一个“词”），而字符才是自然的单位。字节级 BPE 用每个汉字的 UTF-8 字节来拼写它：常见的汉字是一个词元，较少见的是两三个**字节片段**，画成一个块；在词元表里可以读到每个片段的字节。用中文训练的词表（Qwen2.5、bert-base-chinese）里有完整的汉字和词，同一个句子需要的词元少得多。',
    "Qwen2.5 and bert-base-chinese need the hub, which is not reachable here: the packaged SmolLM2 (byte-level BPE, trained mostly on English) reads the 17 characters as 33 tokens drawn as 17 chips: “喜” is three byte pieces (e5 96 9c), “我” two, “新” and “的” one each. MiniLM (BERT's English WordPiece) reads them as 17 tokens, 9 of them [UNK]: “喜”, “欢”, “习”, “语”, “言”, “今”, “气”, “很” and “好” are lost to it. Online, compare Qwen/Qwen2.5-0.5B-Instruct and bert-base-chinese.":
        'Qwen2.5 和 bert-base-chinese 需要连接模型库，这里连不上：随应用打包的 SmolLM2（字节级 BPE，主要用英文训练）把这 17 个字符读成 33 个词元，画成 17 个块：“喜”是三个字节片段（e5 96 9c），“我”是两个，“新”和“的”各一个。MiniLM（BERT 的英文 WordPiece）把它们读成 17 个词元，其中 9 个是 [UNK]：“喜”“欢”“习”“语”“言”“今”“气”“很”“好”对它来说都丢失了。在线时，请对比 Qwen/Qwen2.5-0.5B-Instruct 和 bert-base-chinese。',
    # tokenizer: special-tokens
    'Special tokens':
        '特殊词元',
    "[CLS], [SEP] and [MASK] in BERT, <|endoftext|> in GPT-2, an instruct model's chat template: one text through several tokenizers.":
        'BERT 的 [CLS]、[SEP] 和 [MASK]，GPT-2 的 <|endoftext|>，指令模型的对话模板：同一段文本经过几个分词器。',
    'The same question, different tokenizers. BERT-style models add **[CLS]** at the start and **[SEP]** at the end and have a **[MASK]** token; GPT-2 has only **<|endoftext|>**; an instruct model wraps a message in its **chat template** (`<|im_start|>user … <|im_end|>`). Special tokens are drawn as dark chips.':
        '同一个问题，不同的分词器。BERT 一类的模型在开头加 **[CLS]**、在结尾加 **[SEP]**，还有一个 **[MASK]** 词元；GPT-2 只有 **<|endoftext|>**；指令模型会把一条消息套进它的**对话模板**（`<|im_start|>user … <|im_end|>`）。特殊词元画成深色的块。',
    "BERT, GPT-2 and T5 are not reachable here: MiniLM uses BERT's vocabulary and special tokens, and SmolLM2 shows both a plain tokenizer and a chat template.":
        '这里连不上 BERT、GPT-2 和 T5：MiniLM 使用 BERT 的词表和特殊词元，SmolLM2 则同时展示普通分词和对话模板。',
    # next_token: logits-vector
    'Logits per position':
        '每个位置一个 logits 向量',
    'The model returns one vector of logits per position: (batch, positions, vocabulary).':
        '模型在每个位置返回一个 logits 向量：(batch, positions, vocabulary)。',
    "The model returns **one vector of logits per position**: read the shape card, (batch, positions, vocabulary). The positions include the start token the model reads first (<|endoftext|>, drawn as a dark chip). The chart shows the last position's vector, the one that predicts the next token; the table under *Best guess after every prefix* reads every other position's vector.":
        '模型**在每个位置返回一个 logits 向量**：看形状卡片，(batch, positions, vocabulary)。位置中包括模型最先读入的起始词元（<|endoftext|>，画成深色块）。图表显示最后一个位置的向量，也就是预测下一个词元的那个；*每个前缀之后的最佳猜测* 下的表格读取其余每个位置的向量。',
    "GPT-2 is not reachable here, so SmolLM2 stands in: its vocabulary has 49,152 entries where GPT-2's has 50,257, so the shape is (1, 7, 49152): the start token and six words.":
        '这里连不上 GPT-2，所以由 SmolLM2 代替：它的词表有 49,152 项（GPT-2 为 50,257），所以形状是 (1, 7, 49152)：起始词元加六个词。',
    # next_token: every-prefix
    'Best guess after each prefix':
        '每个前缀之后的最佳猜测',
    'The most likely next token after every prefix, and how surprising each real next token was.':
        '每个前缀之后最可能的下一个词元，以及每个真实的下一个词元有多出人意料。',
    'Each row is what the model expected after the words so far. The first row is read at the start token: what the model expects a text to open with. "It was" → " a", and after "It was a dark and stormy" it is almost sure of " night". Colours show **surprise**: green tokens were the model\'s guess, red ones were rare to it (" dark" after "It was a").':
        '每一行是模型在读到目前为止的词之后所期待的内容。第一行在起始词元处读取：模型期待一段文本以什么开头。"It was" → " a"，而在 "It was a dark and stormy" 之后，它几乎确定是 " night"。颜色表示**意外程度**：绿色词元正是模型的猜测，红色词元对它来说很罕见（"It was a" 之后的 " dark"）。中文也可以试试：在提示词框里输入“今天天气很”，看模型在每个前缀之后期待什么（“今天” → “天气”，“今天天气很” → “好”？）。这需要一个懂中文的模型（在线时选 Qwen/Qwen2.5-0.5B-Instruct）；随应用打包的 SmolLM2 不懂中文，它的猜测没有意义。',
    'GPT-2 is not reachable here, so SmolLM2 stands in. Its guesses differ a little from GPT-2\'s (after "It" it expects "\'s" rather than " is"), but " a" after "It was" and " night" at the end (86 %) are the same.':
        '这里连不上 GPT-2，所以由 SmolLM2 代替。它的猜测与 GPT-2 略有不同（在 "It" 之后它期待 "\'s" 而不是 " is"），但 "It was" 之后的 " a" 和结尾的 " night"（86 %）是一样的。',
    # next_token: every-prefix-chinese
    'Best guess after each prefix, in Chinese':
        '每个前缀之后的最佳猜测（中文）',
    '“今天天气很” (“the weather today is very …”): what a Chinese-capable model expects after every prefix.':
        '“今天天气很”：懂中文的模型在每个前缀之后期待什么。',
    'The same reading in Chinese: after “今天” (today) a Chinese-capable model expects “天气” (weather), and after “今天天气很” (the weather today is very …) an adjective such as “好” (good) or “热” (hot). Compare the chart with the English sentence of lesson 6: a Chinese word is often one token in a Chinese-trained vocabulary.':
        '用中文做同样的阅读：在“今天”之后，懂中文的模型期待“天气”；在“今天天气很”之后，期待一个形容词，比如“好”或“热”。把图表和第 6 课的英文句子对比：在用中文训练的词表里，一个中文词往往就是一个词元。',
    'Qwen/Qwen2.5-0.5B-Instruct, the Chinese-capable model this lesson needs, is not reachable here: the packaged SmolLM2 stands in, and it does not know Chinese: it reads each character as byte pieces, and its guesses mean nothing. Online, choose Qwen/Qwen2.5-0.5B-Instruct in the model picker.':
        '这一课需要的懂中文的模型 Qwen/Qwen2.5-0.5B-Instruct 在这里连不上：随应用打包的 SmolLM2 代替它运行，但它不懂中文：它把每个汉字读成字节片段，它的猜测没有意义。在线时，请在模型选择器里选 Qwen/Qwen2.5-0.5B-Instruct。',
    # next_token: softmax
    'From logits to probabilities':
        '从 logits 到概率',
    'The top-10 logits, then softmax: probabilities that sum to 1.':
        '前 10 个 logits，然后 softmax：概率之和为 1。',
    'First the top-10 **logits**: raw scores, any real number. Switch the chart to *probability*: softmax exponentiates and normalises them, so a gap of 4.6 in logits is a factor of 100 in probability. The card Σ p shows that the probabilities of all tokens sum to 1.':
        '先看前 10 个 **logits**：原始分数，可以是任意实数。把图表切换到 *probability*（概率）：softmax 对它们取指数并归一化，所以 logits 相差 4.6，概率就相差 100 倍。Σ p 卡片表明所有词元的概率之和为 1。',
    'GPT-2 is not reachable here, so SmolLM2 stands in; the softmax is the same for every model.':
        '这里连不上 GPT-2，所以由 SmolLM2 代替；softmax 对每个模型都一样。',
    # next_token: poke
    'Poke the prompt':
        '改一改提示词',
    'Two adjectives move the prediction from " night" to " day"; a scrambled prompt flattens the distribution.':
        '换两个形容词，预测就从 " night" 变成 " day"；打乱的提示词会让分布变平。',
    'Two adjectives change the prediction from " night" to " day", with high confidence both times. Now make prompt B non-grammatical, e.g. "stormy and dark a was It": the top prediction loses its confidence and the distribution flattens (the entropy card jumps: SmolLM2 goes from about 1 bit to over 6).':
        '换两个形容词，预测就从 " night" 变成 " day"，两次的置信度都很高。现在把提示词 B 改得不合语法，例如 "stormy and dark a was It"：最高的预测失去了信心，分布变平（熵的卡片猛涨：SmolLM2 从约 1 比特升到 6 比特以上）。',
    'GPT-2 is not reachable here, so SmolLM2 stands in.':
        '这里连不上 GPT-2，所以由 SmolLM2 代替。',
    # next_token: temperature
    'Temperature':
        '温度',
    'Temperature reshapes the distribution: T < 1 sharpens it, T > 1 flattens it, T = 0 is argmax.':
        '温度重塑分布：T < 1 使它更尖锐，T > 1 使它更平坦，T = 0 就是 argmax。',
    'The blue bars are the chosen T, the outlines T = 1. **Drag the temperature slider** (no new forward pass: the logits are divided by T and the softmax re-done): T < 1 sharpens towards the top token, T > 1 flattens towards uniform, T = 0 is argmax. The curve shows the entropy for every T.':
        '蓝色柱是所选的 T，空心轮廓是 T = 1。**拖动温度滑块**（不需要新的前向计算：logits 除以 T 后重新做 softmax）：T < 1 向最高的词元收紧，T > 1 向均匀分布摊平，T = 0 就是 argmax。曲线显示每个 T 下的熵。',
    'GPT-2 is not reachable here, so SmolLM2 stands in; temperature works the same way on any model.':
        '这里连不上 GPT-2，所以由 SmolLM2 代替；温度对任何模型的作用方式都一样。',
    # next_token: why-paris
    "Why ' Paris'? Which words decide":
        "为什么是 ' Paris'？哪些词起决定作用",
    "Both methods put **' France'** first and **' capital'** near the top: the country, and the word that asks for a city, decide ' Paris'. The completeness card shows integrated gradients' scores adding up to f(x) − f(x′) ≈ 10.2 nats (the drop from the text to 'The the the the the'), with a gap under 0.01 at 64 steps. Occlusion also gives ' is' and ' of' big scores: replacing one of them by ' the' breaks the phrase, a question integrated gradients (all words faded together) does not ask.":
        "两种方法都把 **' France'** 排在第一，**' capital'** 也靠前：国家，加上一个要求填城市的词，决定了 ' Paris'。完备性卡片表明积分梯度的分数加起来等于 f(x) − f(x′) ≈ 10.2 纳特（从原文到 'The the the the the' 的下降），64 步时误差小于 0.01。遮挡法还给了 ' is' 和 ' of' 很高的分数：把其中一个换成 ' the' 会破坏这个短语，而积分梯度（所有词一起淡出）并不问这个问题。",
    # decoding: greedy-vs-beam
    'Greedy misses the best sentence':
        '贪心解码错过最好的句子',
    'Greedy takes the locally best token; beam search finds a likelier whole sentence.':
        '贪心解码每步取局部最好的词元；束搜索找到整体更可能的句子。',
    'Greedy takes the single most likely token at every step. **Side by side** runs beam search on the same prompt: the outputs part ways at the highlighted step, and the *log p of the whole sequence* shows beam search found a more likely sentence than the greedy one, because it kept a locally second-best token alive. Hover any token to see the alternatives the model had at that step.':
        '贪心解码在每一步都取最可能的那个词元。**并排对比**在同一个提示词上运行束搜索：两个输出在高亮的那一步分道扬镳，而*整个序列的 log p* 表明束搜索找到了比贪心更可能的句子，因为它保留了一个局部排第二的词元。把鼠标悬停在任意词元上，可以看到模型在那一步的其他候选。',
    "GPT-2 is not reachable here, so SmolLM2 stands in; its greedy text is less loopy than GPT-2's, but greedy and beam search still part ways.":
        '这里连不上 GPT-2，所以由 SmolLM2 代替；它的贪心输出没有 GPT-2 那么容易打转，但贪心解码和束搜索仍然会分道扬镳。',
    # decoding: beam-search
    'Beam search and repetition':
        '束搜索与重复',
    'Beam search keeps several hypotheses, repeats itself on open-ended text, and repetition_penalty fixes it.':
        '束搜索保留多个候选假设，在开放式文本上会自我重复，repetition_penalty 可以修正。',
    'Five beams, 40 tokens: beam search keeps the five most likely hypotheses at every step (the **beam tree** shows the kept, finished and pruned ones). On an open-ended prompt the most likely text repeats itself: phrases come back word for word (GPT-2 loops whole sentences). Now set **repetition_penalty** to 1.2 and generate again: the repeated phrase is gone. A **bad words** list (e.g. `lovable`) bans words outright.':
        '五条束、40 个词元：束搜索在每一步保留最可能的五个假设（**束搜索树**显示被保留、已完成和被剪掉的假设）。在开放式的提示词上，最可能的文本会自我重复：短语一字不差地再次出现（GPT-2 会整句循环）。现在把 **repetition_penalty** 设为 1.2 再生成一次：重复的短语消失了。**禁用词**列表（例如 `lovable`）可以直接禁止某些词。',
    'GPT-2 is not reachable here, so SmolLM2 stands in. It calls the dog "a lovable and lovable 12-year-old Labrador Retriever" right after "a 12-year-old Labrador Retriever named Max"; with repetition_penalty 1.2 it writes "a lovable and energetic dog" instead.':
        '这里连不上 GPT-2，所以由 SmolLM2 代替。它刚写完 "a 12-year-old Labrador Retriever named Max"，就称这条狗为 "a lovable and lovable 12-year-old Labrador Retriever"；repetition_penalty 设为 1.2 后，它改写成 "a lovable and energetic dog"。',
    # decoding: temperature-sampling
    'Sampling with temperature':
        '带温度的采样',
    'Sampling with temperature: at T = 1.8 the text turns to nonsense, at T = 0.3 it plays safe.':
        '带温度的采样：T = 1.8 时文本变得胡言乱语，T = 0.3 时它求稳。',
    "Sampling draws each token from the distribution instead of taking the most likely one. At **T = 1.8** the distribution is flattened so much that rare tokens win and the text turns to nonsense; side by side, **T = 0.3** with the same seed stays coherent but plays it safe (at T → 0 it becomes greedy and starts to repeat). The colours show the model's own probability of each token: red = the model found it unlikely.":
        '采样是从分布中抽取每个词元，而不是取最可能的那个。**T = 1.8** 时分布被压得太平，罕见词元胜出，文本变得胡言乱语；并排对比中，用同一个随机种子的 **T = 0.3** 保持连贯，但很保守（T → 0 时它变成贪心解码，并开始重复）。颜色表示模型自己给每个词元的概率：红色表示模型认为它不太可能。',
    # decoding: top-k-top-p
    'Top-k and top-p':
        'Top-k 与 top-p',
    "Top-k and top-p (nucleus) sampling, one step through generate()'s own logits processors.":
        'Top-k 与 top-p（核）采样，用 generate() 自己的 logits 处理器走一步。',
    "**top_k = 5** keeps the five most likely tokens; **top_p = 0.94** then keeps the smallest set of those that holds 94 % of the probability. The **logits pipeline** shows one step going through generate()'s own processors in order: how many tokens each stage leaves, which ones it removed, and the renormalised distribution the token was drawn from. Move the step slider to see steps where top-p cut deeper than top-k.":
        '**top_k = 5** 保留最可能的五个词元；**top_p = 0.94** 再从中保留累计概率达到 94 % 的最小集合。**logits 流水线**展示了一步按顺序经过 generate() 自己的各个处理器：每一级留下多少个词元、去掉了哪些，以及抽取词元所用的重新归一化后的分布。移动步数滑块，找一找 top-p 比 top-k 砍得更深的那些步。',
    # decoding: no-repeat-contrastive
    'No-repeat n-grams and contrastive search':
        '禁止重复 n-gram 与对比搜索',
    'no_repeat_ngram_size stops loops but forbids a name that must repeat; contrastive search avoids repetition another way.':
        'no_repeat_ngram_size 能阻止循环，却也禁止了必须重复的名字；对比搜索用另一种方式避免重复。',
    '**no_repeat_ngram_size = 2** forbids any pair of tokens from appearing twice. That stops loops, but here it also forbids *New York* a second time: the model writes *"New Orleans"* (without the ban it writes *"New York City"*; set it to 0 to check). The pipeline at that step shows the **NoRepeatNGram** stage removing " York". Side by side, **contrastive search** (penalty_alpha 0.6, top_k 4) avoids repetition differently: it penalises tokens whose hidden state is too similar to the text so far.':
        '**no_repeat_ngram_size = 2** 禁止任何两个词元的组合出现两次。这能阻止循环，但在这里它也禁止了第二次出现 *New York*：模型写出了 *"New Orleans"*（不加禁止时它写的是 *"New York City"*；设为 0 就能验证）。那一步的流水线显示 **NoRepeatNGram** 这一级去掉了 " York"。并排对比中，**对比搜索**（penalty_alpha 0.6，top_k 4）用另一种方式避免重复：它惩罚那些隐藏状态与已有文本过于相似的词元。',
    # decoding: by-hand
    'generate() by hand':
        '手写 generate()',
    'A 30-line decoding loop gives exactly the tokens model.generate() gives with the same seed.':
        '一个 30 行的解码循环，在同一个随机种子下给出与 model.generate() 完全相同的词元。',
    "Under **generate() by hand** is a 30-line loop: run the model, take the last position's logits, pick a token (argmax, or temperature → top-k → top-p → softmax → draw), append it, repeat. With the same seed it produces **exactly** the tokens model.generate() produces: the check below compares them token by token. Change the strategy, the seed or k and run it again.":
        '*手写 generate()* 下面是一个 30 行的循环：运行模型，取最后一个位置的 logits，选一个词元（argmax，或 温度 → top-k → top-p → softmax → 抽样），把它接上，重复。用同一个随机种子，它产生的词元与 model.generate() **完全一样**：下面的检查逐个词元地比较它们。改一改策略、随机种子或 k，再运行一次。',
    'GPT-2 is not reachable here, so SmolLM2 stands in; the loop is the same for every causal LM.':
        '这里连不上 GPT-2，所以由 SmolLM2 代替；这个循环对每个因果语言模型都一样。',
    # decoding: why-berlin
    "Why ' Berlin'? What a generated token reads":
        "为什么是 ' Berlin'？生成的词元读了什么",
    "Greedy decoding writes ' Berlin' first (probability 94 %). The two methods disagree, and each is right about its own question. **Occlusion** (one word replaced at a time) says ' Germany' matters most: without it there is no country to name the capital of. **Integrated gradients** (every word faded together; complete, the gap is 0.00) gives the largest share to the example ' Paris' (then ' France'): starting from a blank text, what builds the answer up is the pattern 'the capital of X is Y'. Methods answer different questions: compare them before trusting one.":
        "贪心解码首先写出 ' Berlin'（概率 94 %）。两种方法的结论不同，而各自对自己的问题都是对的。**遮挡法**（每次替换一个词）认为 ' Germany' 最重要：没有它，就没有要说出首都的国家。**积分梯度**（所有词一起淡出；完备，误差为 0.00）把最大的份额给了示例中的 ' Paris'（其次是 ' France'）：从一段空白文本出发，逐步构建出答案的是“the capital of X is Y”这个模式。不同的方法回答不同的问题：先比较，再相信其中一个。",
    # prompting: zero-shot-sentiment
    'Zero-shot sentiment':
        '零样本情感分类',
    'Zero-shot sentiment: P(" positive") against P(" negative") after a template, then accuracy and a confusion matrix on 120 reviews.':
        '零样本情感分类：在模板之后比较 P(" positive") 与 P(" negative")，再在 120 条评论上计算准确率和混淆矩阵。',
    'The review goes into a template and the model is asked one thing: is the next word *positive* or *negative*? The left chart compares just those two (normalised over the labels); the right one shows what the model really expected next; the labels often hold only a few per cent of it. Below, the same template runs on 120 labelled reviews: read the accuracy and the confusion matrix. Now **change the template** (try `{text} Overall, the review is` or `Is this review positive or negative?\\nReview: {text}\\nAnswer:`) and evaluate again: accuracy moves by tens of points. Tick *Contextual calibration* to correct a template that leans to one label.':
        '评论被放进一个模板，模型只被问一件事：下一个词是 *positive* 还是 *negative*？左图只比较这两个（在标签之间归一化）；右图显示模型真正期待的下一个词：标签往往只占其中百分之几。下方用同一个模板跑 120 条带标签的评论：看准确率和混淆矩阵。现在**改一改模板**（试试 `{text} Overall, the review is` 或 `Is this review positive or negative?\\nReview: {text}\\nAnswer:`）再评估一次：准确率会变动几十个百分点。勾选 *上下文校准*，可以纠正偏向某个标签的模板。中文评论也可以这样做，例如“这家餐厅的菜又冷又难吃，服务员还很粗鲁。”：但这需要一个懂中文的模型（在线时选 Qwen/Qwen2.5-0.5B-Instruct），随应用打包的 SmolLM2 不懂中文。',
    # prompting: zero-shot-sentiment-chinese
    'Zero-shot sentiment in Chinese':
        '中文的零样本情感分类',
    'A Chinese review in a Chinese template, the labels “正面” (positive) and “负面” (negative), on a Chinese-capable model.':
        '中文模板里的一条中文评论，标签是“正面”和“负面”，在懂中文的模型上运行。',
    "The same question in Chinese: the review goes into a Chinese template (“评论：… 情感：”, review … sentiment) and the model is asked whether the next word is “正面” (positive) or “负面” (negative). The left chart compares just those two; the right one shows what the model really expected next. A Chinese-capable model puts most of its probability on the labels; try a milder review, or “Overall” in Chinese (“总的来说，这条评论是”) as the template. The 120 reviews below are English: evaluate them with lesson 16's English template.":
        '用中文问同一个问题：评论放进一个中文模板（“评论：… 情感：”），模型只被问一件事：下一个词是“正面”还是“负面”？左图只比较这两个标签；右图显示模型真正期待的下一个词。懂中文的模型会把大部分概率放在这两个标签上；试试语气更温和的评论，或者用“总的来说，这条评论是”作为模板。下面的 120 条评论是英文的：请用第 16 课的英文模板来评估它们。',
    'Qwen/Qwen2.5-0.5B-Instruct, the Chinese-capable model this lesson needs, is not reachable here: the packaged SmolLM2 stands in, and it does not know Chinese, so its choice between “正面” and “负面” means nothing. Online, choose Qwen/Qwen2.5-0.5B-Instruct in the model picker.':
        '这一课需要的懂中文的模型 Qwen/Qwen2.5-0.5B-Instruct 在这里连不上：随应用打包的 SmolLM2 代替它运行，但它不懂中文，所以它在“正面”和“负面”之间的选择没有意义。在线时，请在模型选择器里选 Qwen/Qwen2.5-0.5B-Instruct。',
    # prompting: few-shot-translation
    'Few-shot translation':
        '少样本翻译',
    "Demonstrations fix the answer's format and move the probabilities: zero-shot against few-shot on the same English → French queries.":
        '示例固定了答案的格式并改变了概率：在同样的英译法问题上对比零样本与少样本。',
    "The prompt box shows exactly what the model reads: four solved examples in the format *English sentence => French sentence* (the format of the GPT-3 paper), then the query, which the model continues. Set **k** to 0 and run again: without examples the model is not told what `=>` asks for. Set k back to 4: the answer takes the examples' form. Click **Evaluate** (it writes 80 answers: a minute or two on a small CPU): it runs the same prompt with no examples and with the four on 40 English → French pairs (the examples are not among them): the exact matches, and the log-probability of the reference translation per token (higher is better), which shows how far the examples moved the model towards the right answer even where its greedy answer is still wrong. Type *Translate English to French.* as the instruction and run k = 0 again: a task description does part of the examples' work. Try k = 1, and a larger model in the picker.":
        '提示词框里显示的正是模型读到的内容：四个已解答的示例，格式为 *English sentence => French sentence*（GPT-3 论文中的格式），然后是要模型续写的问题。把 **k** 设为 0 再运行：没有示例，模型不知道 `=>` 要它做什么。把 k 改回 4：答案采用了示例的形式。点击 **评估**（它要写 80 个答案：在小 CPU 上需要一两分钟）：它在 40 对英译法句子上（示例不在其中）分别用不带示例和带四个示例的同一提示词运行：看完全匹配数，以及参考译文每个词元的对数概率（越高越好），后者表明即使贪心答案仍然是错的，示例也把模型往正确答案推近了多少。把 *Translate English to French.* 作为指令输入，再用 k = 0 运行一次：任务描述能做示例的一部分工作。试试 k = 1，以及在模型选择器中换一个更大的模型。',
    "GPT-2 medium is not reachable here, so SmolLM2 (135M) stands in, and it shows the format and the probabilities moving, not good translations. With k = 0 it repeats the query (*I am hungry. => I am hungry.*) and for other sentences writes numbers or nothing; with the four examples it answers with a French sentence (*Je suis bon.*), though seldom the right one. On the 40 pairs the exact matches stay at 0 of 40 either way, while the reference's log-probability per token rises from about −4.5 (zero-shot) to about −2.4 (4-shot). With k = 1 it often copies the one example (*Où est la gare ?*). Online, compare distilgpt2, gpt2 and gpt2-medium.":
        '这里连不上 GPT-2 medium，所以由 SmolLM2（135M）代替，它展示的是格式和概率的变化，而不是好的翻译。k = 0 时它重复问题（*I am hungry. => I am hungry.*），对其他句子写出数字或什么都不写；有四个示例时，它用一个法语句子作答（*Je suis bon.*），但很少答对。在这 40 对句子上，两种方式的完全匹配都是 40 个中 0 个，而参考译文每个词元的对数概率从约 −4.5（零样本）升到约 −2.4（4 个示例）。k = 1 时它常常照抄那一个示例（*Où est la gare ?*）。在线时，可以比较 distilgpt2、gpt2 和 gpt2-medium。',
    # prompting: fine-tuned-vs-zero-shot
    'Fine-tuned vs zero-shot':
        '微调与零样本',
    'A zero-shot prompt, a few-shot prompt and a fine-tuned classifier on the same labelled reviews.':
        '在同一批带标签的评论上比较零样本提示词、少样本提示词和一个微调过的分类器。',
    'Three ways to the same decision on the same 120 reviews: a zero-shot prompt, the same prompt with four solved examples, and a small model fine-tuned on 67,000 labelled movie sentences (SST-2). Compare the accuracies and the confusion matrices: which mistakes does each make? Read the misclassified list for sarcasm and negation.':
        '在同样 120 条评论上做同一个判断的三种方式：零样本提示词、带四个已解答示例的同一提示词，以及一个在 67,000 条带标签电影评论句子（SST-2）上微调过的小模型。比较准确率和混淆矩阵：各自犯了哪些错？读一读分错的列表，找找反讽和否定。',
    'The fine-tuned classifier (distilbert-base-uncased-finetuned-sst-2-english) and GPT-2 need the hub, which is not reachable here: SmolLM2 runs the zero-shot and few-shot prompts, and the classifier column is left out. Online, all three run.':
        '微调过的分类器（distilbert-base-uncased-finetuned-sst-2-english）和 GPT-2 需要 Hub，而这里连不上：SmolLM2 运行零样本和少样本提示词，分类器那一列略去。在线时三者都会运行。',
    # prompting: why-negative
    "Why 'negative'? Which words move the label":
        "为什么是 'negative'？哪些词推动了标签",
    "The margin log P(' negative') − log P(' positive') is about +2.5 nats. Of the review's own words, **' rude'** pushes 'negative' hardest in both methods. The template matters as much as the review: under occlusion, the word *Sentiment* ('Sent' + 'iment') moves the label even more than ' rude', because the label is read through the template; change the template and the attribution changes. Integrated gradients' completeness gap is about 5 % here, within its bound.":
        "差值 log P(' negative') − log P(' positive') 约为 +2.5 纳特。在评论本身的词中，**' rude'** 在两种方法里都最有力地推向 'negative'。模板和评论一样重要：在遮挡法下，*Sentiment* 这个词（'Sent' + 'iment'）对标签的影响甚至比 ' rude' 还大，因为标签是通过模板读出来的；换一个模板，归因也会变。这里积分梯度的完备性误差约为 5 %，在其界限之内。",
    # attention: attention-by-hand
    'Self-attention by hand':
        '手算自注意力',
    'One head recomputed by hand: Q, K, V, Q·Kᵀ/√d, the causal mask, softmax rows that sum to 1, the weighted sum of V.':
        '手算一个注意力头：Q、K、V，Q·Kᵀ/√d，因果掩码，每行和为 1 的 softmax，以及 V 的加权和。',
    '**First the textbook\'s example** (top of *Self-attention by hand*): the chapter\'s `self_attention(Q, K, V)` with Q = K = [[1,0,1],[0,2,0],[1,1,0]] and V = [[0,2,0],[1,0,1],[0,1,2]], no scaling, gives the rows the book prints, [0.0900, 1.5752, 0.5795], [0.8668, 0.1491, 1.1014], [0.4223, 0.7330, 1.2670]: those numbers are right. But they are the **output**, weighted sums of V\'s rows, not attention weights: the book\'s "86.6 %, 14.9 % and 110.1 %" for token 2 cannot be percentages (110.1 % is above 100 %, and the row sums to 2.12). The **weights** are the softmax rows beside them, each summing to 100 %: token 2 reads token 1 with 1.6 %, itself with 86.7 % and token 3 with 11.7 % (the 86.7 % shows up in the output only because V\'s first column is (0, 1, 0)). The second table does the same with **÷√d**, as real models do: softer weights. **Then the real head**: one SmolLM2 head recomputed from the layer\'s own input and weights: **Q, K, V** (with rotary position embeddings, as SmolLM2 applies them), **Q·Kᵀ/√d**, the **causal mask** (−∞ above the diagonal: a token may not read later tokens), the **softmax** (every row sums to 1) and the **weighted sum of V**. The cards show the largest difference to the model\'s own weights and output: zero up to float rounding. SmolLM2 has 9 query heads but only 3 key/value heads: head 4 reads key/value head 1. Pick all-MiniLM-L6-v2 in the picker and run it again: an encoder has no mask.':
        '**先看教材的例子**（*手算自注意力* 的顶部）：章节中的 `self_attention(Q, K, V)`，取 Q = K = [[1,0,1],[0,2,0],[1,1,0]]、V = [[0,2,0],[1,0,1],[0,1,2]]，不做缩放，得到书中印出的几行 [0.0900, 1.5752, 0.5795]、[0.8668, 0.1491, 1.1014]、[0.4223, 0.7330, 1.2670]：这些数字是对的。但它们是**输出**，即 V 各行的加权和，而不是注意力权重：书中说第 2 个词元的“86.6 %、14.9 % 和 110.1 %”不可能是百分比（110.1 % 超过了 100 %，而且这一行加起来是 2.12）。**权重**是旁边的 softmax 行，每行加起来都是 100 %：第 2 个词元以 1.6 % 读第 1 个词元，以 86.7 % 读自己，以 11.7 % 读第 3 个词元（86.7 % 之所以出现在输出里，只是因为 V 的第一列是 (0, 1, 0)）。第二张表做同样的计算但**除以 √d**，真实模型就是这样做的：权重更柔和。**然后是真实的注意力头**：用该层自己的输入和权重重算 SmolLM2 的一个头：**Q、K、V**（带旋转位置编码，SmolLM2 就是这样应用的）、**Q·Kᵀ/√d**、**因果掩码**（对角线以上为 −∞：一个词元不能读后面的词元）、**softmax**（每行和为 1）以及 **V 的加权和**。卡片显示与模型自己的权重和输出之间的最大差异：在浮点舍入误差内为零。SmolLM2 有 9 个查询头，但只有 3 个键/值头：第 4 个头读第 1 个键/值头。在模型选择器中选 all-MiniLM-L6-v2 再运行一次：编码器没有掩码。',
    # attention: syntax-heads
    'Heads that find syntax':
        '能发现句法的注意力头',
    "Heads that find syntax: every head of a layer, and bertviz's head view, word by word.":
        '能发现句法的注意力头：一层中的每个头，以及 bertviz 的 head view，逐词查看。',
    'Each head of a layer reads the sentence differently: the grid shows every head of the chosen layer. In BERT base, layer 7 head 10 (counting from 0; "8-11" in Clark et al. 2019) links determiners with their nouns (*the* ↔ *ball*, *the* ↔ *fence*), and layer 7 head 9 links direct objects with their verbs (*ball* ↔ *kicked*). Move the layer and head sliders, or hover a word in the bertviz head view, to find others.':
        '一层中的每个头读句子的方式都不同：网格显示所选层的每一个头。在 BERT base 中，第 7 层第 10 个头（从 0 开始数；Clark et al. 2019 中的“8-11”）把限定词和它们的名词连起来（*the* ↔ *ball*，*the* ↔ *fence*），第 7 层第 9 个头把直接宾语和它们的动词连起来（*ball* ↔ *kicked*）。移动层和头的滑块，或在 bertviz 的 head view 中把鼠标悬停在一个词上，去找找别的头。',
    "bert-base-uncased is not reachable here, so all-MiniLM-L6-v2 (a distilled 6-layer BERT encoder with the same vocabulary) stands in. Its heads differ from BERT base's: layer 0 head 2 is a previous-token head, which links each determiner to its noun because the determiner comes just before it (in *the ball*). Look through its 6 × 12 heads for one that links *kicked* and *ball*.":
        '这里连不上 bert-base-uncased，所以由 all-MiniLM-L6-v2（一个蒸馏过的 6 层 BERT 编码器，词表相同）代替。它的头与 BERT base 不同：第 0 层第 2 个头是“前一个词元”头，它把每个限定词和它的名词连起来，因为限定词就在名词前面（如 *the ball*）。在它的 6 × 12 个头中找一找把 *kicked* 和 *ball* 连起来的那个。',
    # attention: three-families
    'Encoder, decoder, encoder-decoder':
        '编码器、解码器、编码器-解码器',
    'Encoder, decoder, encoder-decoder side by side: a full square, a triangle, and cross-attention.':
        '编码器、解码器、编码器-解码器并排对比：一个满的方块、一个三角形，以及交叉注意力。',
    'Side by side, the last layer of each family (mean over heads). The **decoder** (GPT-2 / SmolLM2) is a triangle: each token reads only itself and earlier tokens, which is what lets it generate text left to right. The **encoder** (BERT / MiniLM) fills the whole square: every token reads the whole sentence, which suits classification and embeddings. The **encoder-decoder** (T5) has both, plus **cross-attention**: every decoder token (German) reads every encoder token (English), which suits translation and summarising.':
        '并排显示每类模型的最后一层（各头平均）。**解码器**（GPT-2 / SmolLM2）是一个三角形：每个词元只读它自己和前面的词元，这正是它能从左到右生成文本的原因。**编码器**（BERT / MiniLM）填满整个方块：每个词元都读整个句子，适合分类和嵌入。**编码器-解码器**（T5）两者都有，外加**交叉注意力**：每个解码器词元（德语）读每个编码器词元（英语），适合翻译和摘要。',
    'Offline, MiniLM stands in for BERT and SmolLM2 for GPT-2. No encoder-decoder ships as an offline package, so t5-small shows only with hub access or when it is in the local Hugging Face cache (or put a seq2seq model folder under PLAYGROUND_MODEL_DIRS and pick it in the third menu).':
        '离线时，由 MiniLM 代替 BERT，由 SmolLM2 代替 GPT-2。没有编码器-解码器模型以离线包的形式提供，所以 t5-small 只有在能访问 Hub 或已在本地 Hugging Face 缓存中时才会显示（也可以把一个 seq2seq 模型文件夹放到 PLAYGROUND_MODEL_DIRS 下，并在第三个菜单中选择它）。',
    # embeddings: token-position
    'Token embedding plus position embedding':
        '词元嵌入加位置嵌入',
    "**king** is row 2,332 of all-MiniLM-L6-v2's 30,522 × 384 input embedding matrix: 384 numbers learned in training. Its nearest rows by cosine similarity are *kings* (0.69), *queen* (0.63), *monarch*, *prince*, *royal*: related words got similar rows. **king − man + woman** lands nearest to *queen* (0.50), a probe that happens to work here. Type **##ing** (a word ending): its neighbours are other endings (*##ting*, *##ed*, *##ings*). MiniLM also learned one vector per **position** (a 512 × 384 table): neighbouring positions are alike (cosine ≈ 0.88 one step apart), and position 0, where [CLS] always sits, stands apart with a vector five times longer. **What the first layer reads** is token + position + token type, summed, then LayerNorm: built by hand here, and equal to the model's own embeddings (difference about 5 × 10⁻⁷).":
        '“**king**” 是 all-MiniLM-L6-v2 的 30,522 × 384 输入嵌入矩阵的第 2,332 行：训练中学到的 384 个数。按余弦相似度，离它最近的行是 *kings*（0.69）、*queen*（0.63）、*monarch*、*prince*、*royal*：相关的词得到了相似的行。**king − man + woman** 落在离 *queen* 最近的地方（0.50），这个探测在这里恰好成立。输入 **##ing**（一个词尾）：它的近邻是其他词尾（*##ting*、*##ed*、*##ings*）。MiniLM 还为每个**位置**学了一个向量（一张 512 × 384 的表）：相邻的位置彼此相似（相隔一步时余弦 ≈ 0.88），而 [CLS] 总是所在的位置 0 与众不同，它的向量长了五倍。**第一层读到的**是词元 + 位置 + 词元类型三者之和，再经过 LayerNorm：这里手工构建，与模型自己的嵌入相等（差异约 5 × 10⁻⁷）。',
    # embeddings: sentence-similarity
    'Sentences that mean the same land close':
        '意思相同的句子落得很近',
    "all-MiniLM-L6-v2 turns each sentence into one vector of 384 numbers (mean pooling over its tokens, then length 1, sentence-transformers' recipe). The three paraphrase pairs score **0.72** (guitar), **0.64** (passwords) and **0.56** (weather), while every unrelated pair stays near **0** (−0.05 to 0.15), though *How do I reset my password?* and *I forgot my login credentials.* share no word. On the **map** (PCA, 62% of the spread) the pairs sit side by side and the stock-market sentence sits alone; pick a point to list its nearest neighbours, measured in all 384 dimensions. Now pick **SmolLM2** in the model picker and compare again: a causal LM's mean hidden state, a rough stand-in, rates every pair 0.68 to 0.89 alike.":
        'all-MiniLM-L6-v2 把每个句子变成一个 384 维的向量（对其词元做平均池化，再归一化为长度 1，这是 sentence-transformers 的做法）。三对同义句的得分是 **0.72**（吉他）、**0.64**（密码）和 **0.56**（天气），而每一对无关的句子都停在 **0** 附近（−0.05 到 0.15），尽管 *How do I reset my password?* 和 *I forgot my login credentials.* 没有一个共同的词。在**地图**上（PCA，保留了 62% 的方差），每对句子挨在一起，股市那句独自待着；选一个点，列出它的最近邻（在全部 384 维中计算）。现在在模型选择器中选 **SmolLM2** 再比较一次：因果语言模型的平均隐藏状态只是粗略的替代，它给每一对的相似度都在 0.68 到 0.89 之间。',
    # embeddings: faq
    'A small FAQ matched by similarity':
        '按相似度匹配的小型 FAQ',
    'The new question is embedded like the 15 FAQ questions, and the most similar ones answer it. *Will this run on a plane with no wifi?* shares no keyword with *Does the playground work without an internet connection?*, yet that entry wins (0.437, over the threshold 0.40; the next scores 0.264). Now try where it fails: **Does the playground NOT work without internet?** matches the same entry at 0.961 (a negation barely moves the vector), and **How hot is the temperature outside today?** finds *What does the temperature setting do?* (0.449: a shared keyword, not the meaning). **What is the capital of France?** stays under the threshold (0.155): no answer. Edit the FAQ table to add your own entries.':
        '新问题和 15 个 FAQ 问题一样被嵌入，最相似的那些用来回答它。*Will this run on a plane with no wifi?* 与 *Does the playground work without an internet connection?* 没有一个共同的关键词，但那一条却胜出了（0.437，高于阈值 0.40；第二名是 0.264）。现在试试它失败的地方：**Does the playground NOT work without internet?** 以 0.961 匹配到同一条（否定几乎不改变向量），而 **How hot is the temperature outside today?** 找到了 *What does the temperature setting do?*（0.449：靠的是共同的关键词，而不是意思）。**What is the capital of France?** 停在阈值以下（0.155）：没有答案。编辑 FAQ 表格，添加你自己的条目。',
    # embeddings: rotary
    'Tokens and rotary positions in SmolLM2':
        'SmolLM2 中的词元与旋转位置编码',
    "In SmolLM2's byte-level BPE **' king'** (with its leading space) is row 4,197 of a 49,152 × 576 matrix. Its nearest rows are other spellings of the same word, *' King'* (0.82), *'King'* (0.72), *' kings'* (0.70), then *' queen'* (0.62): every spelling has a row of its own. **king − man + woman** gives *' queen'* (0.73). SmolLM2 has **no position matrix**: rotary embeddings turn each pair of query and key dimensions by position × θᵢ, with wavelengths from 6.3 tokens to 438,000; for a query and a key pointing the same way the dot product falls from 1 to 0.97 one token apart, 0.72 at 10, 0.56 at 100 and 0.38 at 500. So the first layer reads the token embeddings alone, exactly the model's hidden state 0.":
        "在 SmolLM2 的字节级 BPE 中，**' king'**（带前导空格）是 49,152 × 576 矩阵的第 4,197 行。离它最近的行是同一个词的其他写法：*' King'*（0.82）、*'King'*（0.72）、*' kings'*（0.70），然后才是 *' queen'*（0.62）：每种写法都有自己的一行。**king − man + woman** 得到 *' queen'*（0.73）。SmolLM2 **没有位置矩阵**：旋转位置编码把每一对查询和键的维度按 位置 × θᵢ 旋转，波长从 6.3 个词元到 438,000 个；对于方向相同的查询和键，点积在相隔一个词元时从 1 降到 0.97，相隔 10 个时为 0.72，100 个时为 0.56，500 个时为 0.38。所以第一层读到的只有词元嵌入，正好就是模型的第 0 层隐藏状态。",
    # embeddings: contextual
    'The same word in context (bank)':
        '上下文中的同一个词（“bank”）',
    '*bank* is one row of the embedding matrix, so at layer 0 its four occurrences are alike (cosine 0.97: only their positions differ). Each layer mixes in the words around it: after layer 1 the two river banks and the two money banks stay closer within their sense (0.93 on average) than across senses (0.88), and after the last layer 0.88 against 0.79. The gap is what *contextual* means. Pick SmolLM2 and follow the word again: there is no position vector, so at layer 0 the occurrences are identical (1.00).':
        '“*bank*” 是嵌入矩阵中的一行，所以在第 0 层它的四次出现几乎相同（余弦 0.97：只有位置不同）。每一层都会混入周围的词：第 1 层之后，两个“河岸”的 bank 和两个“银行”的 bank 在同一词义内部更接近（平均 0.93），跨词义则较远（0.88），到最后一层是 0.88 对 0.79。这个差距就是“*上下文相关*”的含义。选 SmolLM2 再跟踪这个词：它没有位置向量，所以在第 0 层这几次出现完全相同（1.00）。',
    # probes: fill-mask-probes
    'Fill-mask probes':
        '掩码填充探测',
    'Fill-mask probes: man against woman in the same sentences; only a result that holds across templates is a finding.':
        '掩码填充探测：同样的句子里比较“man”与“woman”；只有在多个模板上都成立的结果才算发现。',
    'Change one word, *man* → *woman*, and the top jobs change: outlined rows are in one list only. The **probe** below scores 16 jobs as whole words in 5 sentences: the diverging bars show how many times likelier each job is after *man* than after *woman*, and the ticks show each sentence on its own. A bar whose ticks sit on both sides of 0 depends on the sentence; only a consistent one is a finding. Run the same probe on a second model under *Two models side by side*.':
        '只改一个词，*man* → *woman*，排在前面的职业就变了：带轮廓的行只出现在一个列表中。下面的**探测**在 5 个句子中把 16 个职业作为整词打分：发散条形图显示每个职业在 *man* 之后比在 *woman* 之后可能多少倍，刻度标记显示每个句子各自的结果。刻度分布在 0 两侧的条形取决于句子；只有一致的结果才算发现。在 *两个模型并排对比* 下，对第二个模型运行同一个探测。',
    'bert-base-uncased and GPT-2 are not reachable here, so SmolLM2 (a causal LM, through next-token probabilities) stands in. Online, the lesson compares BERT with GPT-2.':
        '这里连不上 bert-base-uncased 和 GPT-2，所以由 SmolLM2（一个因果语言模型，通过下一词元概率）代替。在线时，本课比较 BERT 与 GPT-2。',
    # probes: why-nurse
    "Why 'nurse' rather than 'mechanic'?":
        "为什么是 'nurse' 而不是 'mechanic'？",
    "After 'The woman worked as a', SmolLM2 finds 'nurse' about e^3.3 ≈ 26 times likelier than 'mechanic'. Integrated gradients gives **' woman'** the largest share of that margin (about 2.1 of the 3.8 nats between the sentence and 'The the the the the', gap under 1 %), and occlusion agrees that ' woman' matters most. Put *man* in the sentence above and run again: the margin turns negative (about −1.9), the same two jobs the other way round.":
        "在 'The woman worked as a' 之后，SmolLM2 认为 'nurse' 比 'mechanic' 可能 e^3.3 ≈ 26 倍。积分梯度把这个差值的最大份额给了 **' woman'**（句子与 'The the the the the' 之间的 3.8 纳特中约占 2.1，误差小于 1 %），遮挡法也同意 ' woman' 最重要。在上面的句子中换成 *man* 再运行一次：差值变成负的（约 −1.9），同样两个职业，顺序反了过来。",
}
