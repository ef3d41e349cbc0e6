from gangwei.roles import ROLE_LABELS, role_of


def role(request) -> dict:
    user_role = role_of(request.user) if hasattr(request, "user") else None
    return {"user_role": user_role, "user_role_label": ROLE_LABELS.get(user_role, "")}
