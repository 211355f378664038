"""E-mail alerts over SMTP. SMTP_URL is `smtp://[user:password@]host[:port]`; `smtps://` for TLS from the
start, `smtp+starttls://` to upgrade the connection."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from bot.channels.platforms import DeliveryError
from bot.config import Settings

TIMEOUT = 15


def send(settings: Settings, to: str, subject: str, body: str) -> None:
    if not settings.smtp_url:
        raise DeliveryError("SMTP_URL is not set", retryable=False)
    url = urlsplit(settings.smtp_url)
    if url.scheme not in ("smtp", "smtps", "smtp+starttls"):
        raise DeliveryError(f"SMTP_URL must start with smtp://, smtps:// or smtp+starttls:// "
                            f"(got {url.scheme}://)", retryable=False)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = settings.mail_from, to, subject
    msg.set_content(body)
    client = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    port = url.port or (465 if url.scheme == "smtps" else 25)
    try:
        with client(url.hostname or "localhost", port, timeout=TIMEOUT) as smtp:
            if url.scheme == "smtp+starttls":
                smtp.starttls(context=ssl.create_default_context())
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"mail server refused {to}: {exc.recipients}", retryable=False) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"mail server answered {exc.smtp_code}: {exc.smtp_error!r}", exc.smtp_code,
                            retryable=exc.smtp_code < 500) from exc  # 4xx: try again later; 5xx: permanent
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"mail server unreachable: {exc}") from exc


def send_row(services, row) -> None:
    """An outbox row to an e-mail address (its sender, bot.services.wire_senders)."""
    send(services.settings, row.target, row.payload["subject"], row.payload["body"])
