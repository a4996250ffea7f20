"""Prompting (lessons 16–18): templates and labels, few-shot prompts, label scores through the core,
greedy continuations, data sets, evaluation metrics, order sensitivity, free-text evaluation.

    templates     Label, check_template, fill, parse_labels
    fewshot       parse_demos, demo_text, build_prompt, choose_demos
    scoring       label_logprobs, classify, normalise, calibrate (contextual calibration)
    continuation  complete, complete_many
    datasets      Example, load_dataset, parse_csv
    metrics       Evaluation, evaluate, evaluate_classifier
    orders        order_sensitivity
    generation    evaluate_generation, same_text
"""

from .continuation import complete, complete_many  # noqa: F401
from .datasets import (  # noqa: F401
    DATASETS, MAX_CSV_BYTES, MAX_EXAMPLES, MAX_TEXT_CHARS, Example, dataset_names, load_dataset, parse_csv,
)
from .fewshot import MAX_DEMOS, build_prompt, choose_demos, demo_text, parse_demos, whole_number  # noqa: F401
from .generation import Answer, GenerationEvaluation, evaluate_generation, same_text  # noqa: F401
from .metrics import Evaluation, Prediction, evaluate, evaluate_classifier  # noqa: F401
from .orders import MAX_PERMUTATIONS, OrderRun, OrderSensitivity, order_sensitivity  # noqa: F401
from .scoring import (  # noqa: F401
    CONTENT_FREE, Classification, LabelLogprobs, LabelScore, calibrate, classify, label_logprobs, normalise,
    start_token, verbalizers,
)
from .templates import (  # noqa: F401
    MAX_LABELS, SENTIMENT_LABELS, SENTIMENT_TEMPLATE, Label, check_template, fill, parse_labels,
)
