"""Image inputs for multimodal models."""

from __future__ import annotations

from typing import Any

from sglang.srt.managers.schedule_batch import Modality

from .._compat import MultimodalDataItem, load_processor_base

try:
    from sglang.srt.multimodal.mm_utils import has_valid_data
except ImportError:
    from sglang.srt.managers.mm_utils import has_valid_data


def load_images(urls: list[str]) -> list[Any]:
    """Fetch and decode the images behind ``urls``."""
    from sglang.srt.utils.image import load_image

    return [load_image(url) for url in urls]


def image_items(urls: list[str]) -> list[MultimodalDataItem]:
    """Data items for the images behind ``urls``, skipping the empty ones."""
    images = [image for image in load_images(urls) if has_valid_data(image)]
    return [MultimodalDataItem(modality=Modality.IMAGE, feature=image) for image in images]


def processor_base() -> type:
    """The SGLang class servo's custom processors subclass."""
    return load_processor_base()
