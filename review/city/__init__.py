"""The city's stages after 初审 (DESIGN §6): 培训, 考核, 公示 with 异议, 命名 with certificates, and the
public pages (the 公示 list, the honour roll, certificate verification).

One module per stage holds its writes (`<entity>_<action>`) and reads; `*_views.py` beside it holds
that stage's pages and URL patterns, which review/city/urls.py gathers. The city's pages check the
role first (another role: 403); the public pages need no login and show only what is public.
"""
