"""What a client may send: strict types, sane bounds, and nothing else."""

from pydantic import BaseModel, ConfigDict, Field


class LineIn(BaseModel):
    # extra="forbid" refuses fields such as unit_price_cents instead of silently ignoring them.
    model_config = ConfigDict(extra="forbid", strict=True)
    product_id: int = Field(gt=0)
    quantity: int = Field(ge=1, le=100)


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    customer_id: int = Field(gt=0)
    items: list[LineIn] = Field(min_length=1, max_length=50)
