"""Who may see and act on people. Case teams arrive with the cases issue; until then
every holder of the capability (director, case worker) sees every person."""

from safepassage.accounts import permissions

PERSON = permissions.CAPABILITY_ONLY
