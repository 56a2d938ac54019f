"""How django-axes names the account in a sign-in attempt.

Lower-cased and trimmed, so "Kim@Example.org " and "kim@example.org" share one counter.
"""


def username(request, credentials) -> str:
    raw = ""
    if credentials:
        raw = credentials.get("email") or credentials.get("username") or ""
    elif request is not None and request.method == "POST":
        raw = request.POST.get("email", "")
    return str(raw).strip().lower()[:254]
