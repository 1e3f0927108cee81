"""The claim kinds a verification decides, one module each (contract:
:mod:`gnsverify.checks.base`), in the order :data:`CHECKS` runs them."""
from gnsverify.checks.audit import AuditCheck
from gnsverify.checks.base import Check
from gnsverify.checks.gamma_bound import GammaBoundCheck
from gnsverify.checks.global_bound import GlobalBoundCheck
from gnsverify.checks.instances import InstancesCheck
from gnsverify.checks.invariants import InvariantsCheck
from gnsverify.checks.order import OrderCheck

CHECKS = (AuditCheck(), InvariantsCheck(), GlobalBoundCheck(), OrderCheck(), GammaBoundCheck(),
          InstancesCheck())

__all__ = ["Check", "CHECKS", "AuditCheck", "InvariantsCheck", "GlobalBoundCheck", "OrderCheck",
           "GammaBoundCheck", "InstancesCheck"]
