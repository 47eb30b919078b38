"""The value checks every schedule gets, for a schedule of your own: one call, ``schedules.checks.check(cls)``.

What it checks, from what the class declares (``name``, ``unit``, ``params``, ``example``) and nothing else:

- **the example** builds, and ``get_config()`` rebuilds it to the same values;
- **the declared ranges**: each argument at both ends of its range passes its own check (another argument's
  rule may still refuse the pair, with that rule's message), and each value just outside it is refused with
  ``Argument `NAME` must be REQUIREMENT. Received: ...``;
- **the values** over ``0 .. 2T`` (``T`` the run the example's integer arguments describe, at least 100): all
  finite and ``>= 0``, ``s(t)`` equal to ``values()`` to the bit at 33 points, indices that are not
  non-negative integers refused;
- **the Keras adapter**: ``as_training_schedule(steps_per_epoch=4)`` gives the optimizer, at each of the
  first ``8 x 4`` iterations, the formula's rate (``s.at(epoch, iteration)``) to float32 precision; skipped
  with ``keras=False``.

The Keras adapter rebuilds a schedule from the registry by name (a saved model keeps the name and the
arguments), so that check needs the class registered (``schedules.register``). ``problems(cls)`` returns
what is wrong, one line each (empty: nothing); ``check(cls)`` raises ``AssertionError`` listing them. The suite's
own schedules pass it (``tests/schedules/test_checks.py``).

>>> import schedules
>>> from schedules import checks
>>> checks.problems(schedules.declared("step"), keras=False)
[]
"""

import math

import numpy as np

STEPS_PER_EPOCH = 4  # the adapter check's epoch length, iterations
ADAPTER_EPOCHS = 8  # the adapter check's run, epochs
SAMPLE_POINTS = 33  # where s(t) and values() are compared


def horizon(s):
    """``T``: the run a schedule's integer arguments describe (epochs, steps, cycles), at least 100 indices."""
    counts = [v for v in s.get_config().values() if isinstance(v, int) and not isinstance(v, bool)]
    return max(100, 3 * sum(counts))


def _example(cls):
    try:
        return cls(**cls.example), []
    except Exception as err:  # noqa: BLE001 - any failure of the example is the finding
        return None, [f"{cls.__name__}.example {cls.example!r} does not build: {type(err).__name__}: {err}"]


def _ranges(cls):
    out = []
    for arg, rng in cls.params.items():
        own = f"Argument `{arg}` must be {rng.requirement}."
        for end in rng.ends():
            try:
                cls(**{**cls.example, arg: end})
            except ValueError as err:
                if str(err).startswith(own):
                    out.append(f"{arg}={end!r} is an end of its declared range but is refused: {err}")
            except Exception as err:  # noqa: BLE001
                out.append(f"{arg}={end!r} (an end of its range) raised {type(err).__name__}: {err}")
        for bad in rng.outside():
            try:
                cls(**{**cls.example, arg: bad})
            except ValueError as err:
                if not str(err).startswith(own) or "Received:" not in str(err):
                    out.append(f"{arg}={bad!r} (outside its range) is refused with another message: {err}")
            except Exception as err:  # noqa: BLE001
                out.append(f"{arg}={bad!r} (outside its range) raised {type(err).__name__}, not ValueError: {err}")
            else:
                out.append(f"{arg}={bad!r} is outside its declared range ({rng.requirement}) but is accepted")
    return out


def _values(s):
    out = []
    ts = np.arange(2 * horizon(s) + 1)
    v = s.values(ts)
    bad = np.flatnonzero(~np.isfinite(v) | (v < 0))
    if bad.size:
        out.append(f"rate {float(v[bad[0]])!r} at t={int(ts[bad[0]])}: a rate must be finite and >= 0")
    sample = np.unique(np.linspace(0, len(ts) - 1, SAMPLE_POINTS).astype(int))
    if [s(int(t)) for t in sample] != v[sample].tolist():
        out.append("s(t) differs from values([t]) at some t: compute both through the same array formula")
    again = type(s)(**s.get_config())
    if not np.array_equal(again.values(ts), v):
        out.append("rebuilding from get_config() changed the values: get_config() must return the arguments")
    for index in (-1, 1.5, True, "3"):
        try:
            s(index)
        except ValueError:
            continue
        out.append(f"s({index!r}) returned a rate: an index must be a non-negative integer")
    return out


def _adapter(s):
    import schedules

    if schedules._REGISTRY.get(s.name) is not type(s):
        return [
            f"not registered under {s.name!r}: the Keras adapter rebuilds a schedule by name; "
            "decorate the class with @schedules.register"
        ]

    rate = s.as_training_schedule(STEPS_PER_EPOCH)
    out = []
    for step in range(ADAPTER_EPOCHS * STEPS_PER_EPOCH):
        got = float(np.asarray(rate(step)))  # a tensor of any backend, Keras 2's too
        want = s.at(step // STEPS_PER_EPOCH, step)
        if not math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-12):
            out.append(f"the Keras adapter gives {got!r} at iteration {step}; the formula gives {want!r}")
            break
    return out


def problems(cls, keras=True):
    """What is wrong with the schedule class ``cls``, one line each (empty: nothing); ``keras=False`` leaves
    out the Keras adapter's check (no backend imported)."""
    s, found = _example(cls)
    if s is not None and type(s)(**s.get_config()).get_config() != s.get_config():
        found.append("get_config() does not rebuild the same arguments")
    if s is not None:
        found += _ranges(cls) + _values(s) + (_adapter(s) if keras else [])
    return [f"{cls.__name__} ({cls.name!r}): {line}" for line in found]


def check(cls, keras=True):
    """``problems(cls)``, raised as one ``AssertionError`` when there are any (for a test: ``check(MySchedule)``)."""
    found = problems(cls, keras=keras)
    if found:
        raise AssertionError("\n".join(found))
