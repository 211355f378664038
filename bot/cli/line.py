"""`python -m bot line richmenu install`: put the rich menu of content/line/ on the LINE account."""
from __future__ import annotations

import sys

from bot.config import from_env


def register(sub) -> None:
    line = sub.add_parser("line", help="LINE Official Account set-up")
    linesub = line.add_subparsers(dest="line_command", required=True)
    richmenu = linesub.add_parser("richmenu", help="the rich menu under the chat")
    rmsub = richmenu.add_subparsers(dest="richmenu_command", required=True)
    install = rmsub.add_parser("install", help="create the menu from content/line/richmenu.yaml, upload "
                                               "richmenu.png and make it every user's default")
    install.add_argument("--no-default", action="store_true", help="create and upload only")
    install.set_defaults(func=cmd_richmenu_install)


def cmd_richmenu_install(args) -> int:
    from bot.channels.platforms import DeliveryError
    from bot.channels.richmenu import install, load_rich_menu

    settings = from_env()
    if not settings.line_channel_access_token:
        print("LINE_CHANNEL_ACCESS_TOKEN is not set", file=sys.stderr)
        return 2
    menu = load_rich_menu(settings.content_dir)
    try:
        menu_id = install(settings, menu, make_default=not args.no_default)
    except DeliveryError as exc:
        print(f"LINE refused the rich menu: {exc}", file=sys.stderr)
        return 1
    default = "" if args.no_default else " and set as the default for every user"
    print(f"rich menu {menu_id} created with {len(menu.definition.tiles)} areas{default}")
    return 0
