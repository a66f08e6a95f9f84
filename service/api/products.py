"""``GET /products/{article_id}`` and the product photos."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from service.api.catalogue import image_file, read_product
from service.api.deps import ResourcesDep
from service.api.graph_links import GraphLink, graph_links
from service.api.identifiers import ArticlePath
from service.api.problems import NOT_FOUND, UNAVAILABLE
from service.api.schemas import ProductCard, image_url

router = APIRouter(tags=["catalogue"])

#: Media types of the photo formats ingestion accepts.
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


class StyleOut(BaseModel):
    """The style (design) the article is a colourway of."""

    catalogue: str = Field(examples=["demo"])
    code: str = Field(examples=["DS000294"])
    name: str | None


class ImageOut(BaseModel):
    """One product photo."""

    url: str = Field(examples=["/images/D00029401"])
    width: int
    height: int
    bytes: int


class TagOut(BaseModel):
    """An attribute vision read from the photo; `confident` is false for uncertain ones."""

    label: str = Field(examples=["crew neck"])
    score: float
    confident: bool


class GraphLinkOut(BaseModel):
    """A concept the article is linked to in one view of the knowledge graph."""

    relation: str = Field(examples=["category"])
    concept: str = Field(examples=["https://w3id.org/atelier/id/category/knitwear"])
    label: str | None = Field(examples=["knitwear"])


class Product(ProductCard):
    """Everything known about an article, per view."""

    style: StyleOut
    views: dict[str, dict[str, dict[str, Any]]] = Field(
        description="view (retailer, manufacturer) -> feed -> the feed's record as it came.",
        examples=[{"retailer": {"demo": {"category": "Knitwear", "color": "Optical White"}}}],
    )
    images: list[ImageOut]
    tags: dict[str, list[TagOut]] = Field(
        description="Vision's tags per attribute group, best first (empty before tagging)."
    )
    vision_model: str | None = Field(description="The model that tagged the photo, if any.")
    graph: dict[str, list[GraphLinkOut]] | None = Field(
        description="view (named graph: retailer/<feed>, manufacturer/<feed>, vision/<model>, "
        "...) -> the concepts the article links to there; null when the graph cannot answer.",
        examples=[
            {
                "retailer/demo": [
                    {
                        "relation": "category",
                        "concept": "https://w3id.org/atelier/id/category/knitwear",
                        "label": "knitwear",
                    }
                ]
            }
        ],
    )


@router.get(
    "/products/{article_id}",
    summary="One article with its attributes, colours and photos",
    response_model=Product,
    responses={**NOT_FOUND, **UNAVAILABLE},
)
def get_product(article_id: ArticlePath, request: Request, resources: ResourcesDep) -> Product:
    """The article's card, style, every feed's record per view, photos, vision tags and its
    links in each view of the knowledge graph.
    """
    record = read_product(resources.engine, article_id)
    vision = record.vision
    sparql = getattr(request.app.state, "sparql", None)
    links = graph_links(sparql, article_id) if sparql is not None else None
    return Product(
        **ProductCard.of(record.card).model_dump(),
        style=StyleOut(catalogue=record.catalogue, code=record.style_code, name=record.style_name),
        views=record.views,
        images=[
            ImageOut(url=image_url(article_id, i), width=w, height=h, bytes=b)
            for i, (w, h, b) in enumerate(record.images)
        ],
        tags={
            group: [TagOut(label=t.label, score=t.score, confident=t.confident) for t in tags]
            for group, tags in (vision.tags.items() if vision else ())
        },
        vision_model=vision.model_version if vision else None,
        graph=_links_out(links),
    )


def _links_out(links: dict[str, list[GraphLink]] | None) -> dict[str, list[GraphLinkOut]] | None:
    if links is None:
        return None
    return {
        view: [GraphLinkOut(relation=k.relation, concept=k.concept, label=k.label) for k in found]
        for view, found in links.items()
    }


_IMAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}}, "description": "The photo."},
    **NOT_FOUND,
    **UNAVAILABLE,
}


@router.get(
    "/images/{article_id}",
    summary="An article's first product photo",
    response_class=FileResponse,
    responses=_IMAGE_RESPONSES,
)
def get_image(article_id: ArticlePath, resources: ResourcesDep) -> FileResponse:
    """The article's main photo (cacheable for a day)."""
    return _photo(resources, article_id, 0)


@router.get(
    "/images/{article_id}/{index}",
    summary="An article's n-th product photo",
    response_class=FileResponse,
    responses=_IMAGE_RESPONSES,
)
def get_image_n(
    article_id: ArticlePath,
    index: Annotated[int, Path(ge=0, le=1000, description="0 is the main photo.")],
    resources: ResourcesDep,
) -> FileResponse:
    """One of the article's photos, in the order `/products/{article_id}` lists them."""
    return _photo(resources, article_id, index)


def _photo(resources: ResourcesDep, article_id: str, index: int) -> FileResponse:
    file = image_file(resources.engine, article_id, index)
    media_type = MEDIA_TYPES.get(file.suffix.lower(), "application/octet-stream")
    return FileResponse(
        file,
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
