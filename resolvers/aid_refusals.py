"""The one error an aid rule raises when it refuses an input, and how it reaches the client.

Estimates (``resolvers.aid_estimate``), submissions (``resolvers.submission_rules``) and
payment requests (``resolvers.payment_rules``) are pure: they raise ``AidRuleError`` with the
reason (the rule's sentence, quoted from the scheme's text) and the resolver turns it into
``BAD_USER_INPUT`` with ``bad_user_input``, never a 500.
"""

from __future__ import annotations

from graphql import GraphQLError

from resolvers.errors import BAD_USER_INPUT, coded_error

__all__ = ["AidRuleError", "bad_user_input"]


class AidRuleError(ValueError):
    """An input an aid rule refuses.

    ``rule`` names the rule (``incentive_effect``, ``minimum_expenses``…; ``input`` for a
    value no rule can read), ``argument`` the input at fault (``expenses[2].amount``) when one
    is, ``reasons`` every reason when several rules refused at once (the message joins them).
    """

    def __init__(
        self,
        message: str,
        *,
        rule: str = "input",
        argument: str | None = None,
        reasons: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.rule = rule
        self.argument = argument
        self.reasons = reasons or (message,)


def bad_user_input(error: AidRuleError) -> GraphQLError:
    """``BAD_USER_INPUT`` with the reason, the rule and, when known, the argument."""
    extensions: dict[str, object] = {"rule": error.rule}
    if error.argument is not None:
        extensions["argument"] = error.argument
    if len(error.reasons) > 1:
        extensions["reasons"] = list(error.reasons)
    return coded_error(str(error), BAD_USER_INPUT, **extensions)
