"""Competency frameworks: the proficiency scale, competencies with behavioural indicators,
career levels with expectations, and dated assessments.

Other contexts (goals) look competencies up through `get_competency` and
`competencies_by_ids` (domain/competencies/framework.py).
"""
