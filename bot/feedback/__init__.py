"""Satisfaction feedback, a feature of its own: the "ประเมินความพึงพอใจ" button offered under answers
(offer.py), the rating conversation (flow.py) and its table (models.py); `scoring/feedback.py`
summarises the answers. Its texts and limits are in `content/complaints.yaml`, beside the other texts of
citizens' reports, so it reads them through `bot.complaints.content`.
"""
