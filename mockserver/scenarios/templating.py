"""Field and var values are Jinja2 templates, rendered in a sandbox with strict undefineds.

Templates see ``vars``, ``ids`` (the run's ids so far), ``run`` (id, name, seed, flavor),
``now`` (the run's start, a timezone-aware datetime), ``i`` inside a ``repeat`` and ``fake``:
a seeded Faker with :class:`PlatformProvider`. ``fake`` is a proxy that exposes only Faker's
value formatters; its internals, seeding and heavy binary formatters are out of reach.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import faker
import jinja2
from faker.providers import BaseProvider
from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from mockserver.scenarios.direct import direct
from mockserver.scenarios.errors import Loc, ScenarioError
from mockserver.scenarios.provider import DEFAULT_MEDIA_BASE, PlatformProvider

#: Faker formatters refused in templates: they reseed, or build large binary blobs.
_DENIED = frozenset(
    {"seed", "seed_instance", "seed_locale", "binary", "zip", "tar", "image", "add_provider"}
)
_MAX_REPEAT = 10_000  # the largest string/list a template may build with '*'


class SafeFake:
    """What templates call ``fake``: Faker's value formatters and nothing else."""

    __slots__ = ("_faker",)

    def __init__(self, fake: faker.Faker) -> None:
        object.__setattr__(self, "_faker", fake)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_") or name in _DENIED:
            raise AttributeError(f"fake.{name} is not available in scenario templates")
        member = getattr(self._faker, name, None)
        owner = getattr(member, "__self__", None)
        if not callable(member) or not isinstance(owner, BaseProvider):
            raise AttributeError(f"fake has no value generator {name!r}")
        return member  # type: ignore[no-any-return]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("fake is read-only")


def make_fake(
    seed: int,
    locale: str = "en_US",
    media_base_url: str = DEFAULT_MEDIA_BASE,
    flavor: str = "skycore-xml",
) -> SafeFake:
    """A Faker seeded for one run, with the platform provider (country from the locale).

    Building a Faker adds some thirty providers (about 2 ms, most of a run's planning), so each
    thread keeps one per locale and reseeds it: a reseeded instance gives the same values as a
    new one with that seed. Use the result before planning the next run on the same thread."""
    fake, provider = _pooled(locale)
    fake.seed_instance(seed)
    fake.unique.clear()
    provider.reset()
    provider.media_base_url = media_base_url
    provider.flavor = flavor
    country = locale.rpartition("_")[2].upper()
    provider.default_country = country if len(country) == 2 else "US"
    return SafeFake(fake)


_POOL = threading.local()


def _pooled(locale: str) -> tuple[faker.Faker, PlatformProvider]:
    pool: dict[str, tuple[faker.Faker, PlatformProvider]] = _POOL.__dict__.setdefault("by", {})
    found = pool.get(locale)
    if found is None:
        fake = faker.Faker(locale)
        # the provider draws from the locale's generator itself: through the proxy, every
        # ``self.generator.random`` was a proxy lookup (a fifth of a send's planning); the
        # same random source either way (one locale: the proxy's random is its generator's)
        provider = PlatformProvider(fake.factories[0])
        fake.add_provider(provider)
        found = pool[locale] = (fake, provider)
    return found


class _Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            if isinstance(right, int | float) and abs(right) > 64:
                raise SecurityError("exponent too large in a scenario template")
            return operator.pow(left, right)
        for size, count in ((left, right), (right, left)):
            sized = isinstance(size, str | list | tuple) and isinstance(count, int)
            if sized and len(size) * count > _MAX_REPEAT:
                raise SecurityError("repetition too large in a template")
        return operator.mul(left, right)


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    return _Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def check_syntax(source: str, loc: Loc) -> ScenarioError | None:
    """A syntax error in a template, located in the YAML file, or None."""
    if "{" not in source:
        return None
    try:
        environment().parse(source)
    except jinja2.TemplateSyntaxError as exc:
        line = loc.shifted(exc.lineno - 1)
        return ScenarioError(
            f"template syntax error: {exc.message}",
            line,
            "check the braces: {{ expression }} and {% statement %}",
        )
    return None


@lru_cache(maxsize=4096)
def _compile(source: str) -> jinja2.Template:
    return environment().from_string(source)


def render(source: str, context: Mapping[str, Any], loc: Loc) -> str:
    """Render one value; any failure becomes a ScenarioError at ``loc`` (never a crash)."""
    if "{" not in source:
        return source
    try:
        fast = direct(environment(), source)
        text = fast(context) if fast is not None else None
        return text if text is not None else _compile(source).render(context)
    except jinja2.UndefinedError as exc:
        hint = f"available: {', '.join(sorted(context))}; vars: {_keys(context.get('vars'))}"
        raise ScenarioError(f"template error: {exc.message}", loc, hint) from None
    except SecurityError as exc:
        raise ScenarioError(
            f"template refused by the sandbox: {exc}",
            loc,
            "templates may only use vars, ids, run, now, i and fake's value generators",
        ) from None
    except Exception as exc:  # a template is user code: report whatever it raised
        raise ScenarioError(
            f"template failed: {type(exc).__name__}: {exc}", loc, "fix the expression"
        ) from None


def _keys(value: object) -> str:
    return ", ".join(sorted(value)) if isinstance(value, Mapping) else "none"
