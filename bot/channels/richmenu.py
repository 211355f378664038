"""The LINE rich menu: read from content/line/richmenu.yaml and put on LINE (create the menu, upload its
picture to the data API, make it every user's default)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from linebot.v3.messaging import (ApiException, MessageAction, RichMenuArea, RichMenuBounds, RichMenuRequest,
                                  RichMenuSize)
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring.yamlfile import ContentError, load_model

from .line_sdk import line_blob_api, line_error, line_messaging_api

Icon = Literal["chart", "phone", "book", "news", "alert", "search"]


class Tile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1, max_length=20)  # LINE: action labels ≤ 20 characters
    text: str = Field(min_length=1, max_length=300)
    caption: str = ""
    icon: Icon = "chart"


class RichMenuFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=300)
    chat_bar_text: str = Field(min_length=1, max_length=14)
    selected: bool = True
    image: str = "richmenu.png"
    width: Literal[2500] = 2500
    height: int = Field(1686, ge=250, le=1686)
    columns: int = Field(3, ge=1, le=5)
    tiles: list[Tile] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _full_rows(self) -> "RichMenuFile":
        if len(self.tiles) % self.columns:
            raise ValueError(f"{len(self.tiles)} tiles do not fill rows of {self.columns}")
        return self

    @property
    def rows(self) -> int:
        return len(self.tiles) // self.columns

    def bounds(self, index: int) -> tuple[int, int, int, int]:
        """x, y, width, height of tile `index`; the last column and row take the rounding remainder."""
        col, row = index % self.columns, index // self.columns
        x0, x1 = self.width * col // self.columns, self.width * (col + 1) // self.columns
        y0, y1 = self.height * row // self.rows, self.height * (row + 1) // self.rows
        return x0, y0, x1 - x0, y1 - y0


@dataclass(frozen=True)
class RichMenu:
    definition: RichMenuFile
    image_path: Path

    def request(self) -> RichMenuRequest:
        d = self.definition
        areas = [RichMenuArea(bounds=RichMenuBounds(x=x, y=y, width=w, height=h),
                              action=MessageAction(label=tile.label, text=tile.text))
                 for i, tile in enumerate(d.tiles) for (x, y, w, h) in [d.bounds(i)]]
        return RichMenuRequest(size=RichMenuSize(width=d.width, height=d.height), selected=d.selected,
                               name=d.name, chat_bar_text=d.chat_bar_text, areas=areas)


def load_rich_menu(content_dir: Path) -> RichMenu:
    path = Path(content_dir) / "line" / "richmenu.yaml"
    definition = load_model(path, RichMenuFile)
    return RichMenu(definition, path.parent / definition.image)


def install(settings, menu: RichMenu, make_default: bool = True) -> str:
    """Create the menu on LINE, attach its picture, and (by default) show it to every user; returns its id."""
    if not menu.image_path.is_file():
        raise ContentError(f"{menu.image_path}: rich menu image not found (draw it with "
                           f"`python -m bot.channels.richmenu_image`)")
    image = menu.image_path.read_bytes()
    mime = "image/png" if image[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    api, blob = line_messaging_api(settings), line_blob_api(settings)
    try:
        menu_id = api.create_rich_menu(menu.request()).rich_menu_id
        blob.set_rich_menu_image(menu_id, image, _headers={"Content-Type": mime})
        if make_default:
            api.set_default_rich_menu(menu_id)
    except ApiException as exc:
        raise line_error(exc) from exc
    return menu_id
