"""The demo that `manage.py seed_demo` builds, one module per part (see the command's docstring).

accounts  the city, the 初审 bodies, the demo units and one user of every role
campaign  the demo campaign and the dates that open the chosen stage now
specs     the demo applications and the path each has gone by each stage
apply     what the units do: create, submit, withdraw, amend and resubmit
review    初审: the quota, the reviewers' decisions (review_decide) and the filings (summary_file)
city      what the city does after the filing (assessment, naming)

A later stage adds a module with an ACTIONS table ({action: act(ctx, spec, application)}) and
lists it in ACTORS below.
"""

from review.management.demo import apply, city, review

ACTORS = {**apply.ACTIONS, **review.ACTIONS, **city.ACTIONS}
