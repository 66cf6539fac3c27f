from django.shortcuts import render

from .selectors import key_task_get, plan_document, plan_get


def plan_detail(request, code: str | None = None):
    plan = plan_get(code=code)
    return render(request, "plan/plan_detail.html", plan_document(plan=plan))


def key_task_detail(request, number: int, code: str | None = None):
    plan = plan_get(code=code)
    return render(request, "plan/key_task_detail.html", key_task_get(plan=plan, number=number))
