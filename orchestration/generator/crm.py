"""The CRM tables (accounts, contacts, opportunities) and enrichment, rendered from the draws."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.generator.draws import Company
from orchestration.generator.names import (
    FIRST_NAMES,
    LAST_NAMES,
    NAME_ADJECTIVES,
    NAME_DESCRIPTORS,
    NAME_NOUNS,
    TLD_MIX,
    TLDS,
)
from orchestration.generator.text import (
    _decimals,
    _ids,
    _integers,
    _join,
    _pick,
    _timestamps,
    _with_nulls,
)
from orchestration.generator.timeline import _add_months, _categorical
from orchestration.generator.vocabulary import (
    BUSINESS_MODELS,
    CHANNELS,
    COUNTRIES,
    COUNTRY_LEGAL,
    COUNTRY_MIX,
    CURRENCIES,
    DAY,
    FUNDING_STAGES,
    INDUSTRIES,
    JOB_TITLE_WEIGHTS,
    JOB_TITLES,
    LEGAL_FORMS,
    NO_TITLE_SHARE,
    OPPORTUNITY_TYPES,
    PRICE_RATE,
    STAGE_LOST,
    STAGE_OPEN,
    STAGE_WON,
    STAGES,
    TOOLS,
)


@dataclass(frozen=True, eq=False)
class Domains:
    """Each account's normalized domain (null when the CRM has none): how enrichment and contact
    emails find their account."""

    normalized: pa.Array
    present: np.ndarray


def crm_accounts(c: Company) -> tuple[pa.Table, Domains]:
    rng = c.rng(10)
    n = c.accounts.n
    n_adj, n_noun, n_desc = len(NAME_ADJECTIVES), len(NAME_NOUNS), len(NAME_DESCRIPTORS)
    combos = n_adj * n_noun * n_desc
    pick = rng.permutation(combos)[: min(n, combos)]
    index = np.arange(n)
    combo = pick[index % len(pick)]
    repeat = index // len(pick)  # only when there are more accounts than names
    adj, rest = combo // (n_noun * n_desc), combo % (n_noun * n_desc)
    noun, desc = rest // n_desc, rest % n_desc
    tld = _categorical(rng, TLD_MIX, n)

    adj_cap = _pick(NAME_ADJECTIVES, adj)
    noun_cap = _pick(NAME_NOUNS, noun)
    desc_cap = _pick(NAME_DESCRIPTORS, desc)
    suffix = pc.if_else(pa.array(repeat > 0), _integers(repeat + 1), pa.scalar("", pa.string()))
    name = pc.utf8_trim_whitespace(_join(adj_cap, " ", noun_cap, " ", desc_cap))
    name = pc.if_else(pa.array(repeat > 0), _join(name, " ", suffix), name)
    legal_family = COUNTRY_LEGAL[c.accounts.country]
    legal_pick = rng.integers(0, 3, n)
    legal = _pick(
        [form for family in LEGAL_FORMS for form in family], legal_family * 3 + legal_pick
    )
    has_legal = pa.array((rng.random(n) < 0.25) & c.accounts.country_valid)
    name = pc.if_else(has_legal, _join(name, " ", legal), name)

    base_cap = _join(adj_cap, noun_cap, desc_cap, suffix)
    tld_text = _pick(TLDS, tld)
    domain_norm = _join(pc.utf8_lower(base_cap), ".", tld_text)
    domain_url = _join("https://www.", base_cap, ".", tld_text)
    domain_www = _join("www.", domain_norm)
    style = rng.random(n)
    domain = pc.if_else(
        pa.array(style < 0.05),
        domain_url,
        pc.if_else(pa.array(style < 0.065), domain_www, domain_norm),
    )
    has_domain = rng.random(n) >= 0.03
    domains = Domains(_with_nulls(domain_norm, has_domain), has_domain)
    reps = int(np.clip(n // 60, 8, 999))
    owner = rng.integers(1, reps + 1, n)
    table = pa.table(
        {
            "account_id": c.ids.account_ids,
            "account_name": name,
            "domain": _with_nulls(domain, has_domain),
            "created_at": _timestamps(c.accounts.created),
            "lead_source": _pick(CHANNELS, c.accounts.channel, c.accounts.channel_valid),
            "country_code": _pick(COUNTRIES, c.accounts.country, c.accounts.country_valid),
            "owner_id": _ids("U", owner, 3),
        }
    )
    return table, domains


def enrichment(c: Company, domains: Domains) -> pa.Table:
    rng = c.rng(11)
    n = c.accounts.n
    rows = np.flatnonzero(domains.present & (rng.random(n) < 0.85))
    m = len(rows)

    def present(share_missing: float) -> np.ndarray:
        return rng.random(m) >= share_missing

    hq = c.accounts.country[rows].copy()
    moved = rng.random(m) < 0.02
    hq[moved] = _categorical(rng, COUNTRY_MIX, int(moved.sum()))
    hq_valid = present(0.08) & (c.accounts.country_valid[rows] | moved | (rng.random(m) < 0.5))
    tool_lut = pa.array(
        [
            ";".join(t for bit, t in enumerate(TOOLS) if mask >> bit & 1)
            for mask in range(1 << len(TOOLS))
        ],
        pa.string(),
    )
    created = c.accounts.created[rows]
    enriched = created + (rng.random(m) * (c.calendar.end - created)).astype(np.int64)
    return pa.table(
        {
            "domain": domains.normalized.take(pa.array(rows)),
            "industry": _pick(INDUSTRIES, c.firmographics.industry[rows], present(0.03)),
            "employee_count": _integers(c.firmographics.employees[rows], present(0.04)),
            "annual_revenue_usd": _decimals(c.firmographics.revenue[rows], present(0.12)),
            "hq_country": _pick(COUNTRIES, hq, hq_valid),
            "business_model": _pick(BUSINESS_MODELS, c.firmographics.model[rows], present(0.05)),
            "tech_stack": _with_nulls(
                tool_lut.take(pa.array(c.firmographics.tool_mask[rows])), present(0.08)
            ),
            "funding_stage": _pick(FUNDING_STAGES, c.firmographics.funding[rows], present(0.15)),
            "founded_year": _integers(c.firmographics.founded[rows], present(0.06)),
            "enriched_at": _timestamps(enriched),
        }
    )


def contacts(c: Company, domains: Domains) -> pa.Table:
    rng = c.rng(12)
    per_account = 1 + rng.binomial(5, 0.3, c.accounts.n)
    acct = np.repeat(np.arange(c.accounts.n), per_account)
    m = len(acct)
    created = c.accounts.created[acct] + (rng.exponential(25.0, m) * DAY).astype(np.int64)
    late = created >= c.calendar.end  # added after the end of the data: spread over what is left
    room = c.calendar.end - c.accounts.created[acct]
    created = np.where(
        late, c.accounts.created[acct] + (rng.random(m) * room).astype(np.int64), created
    )
    order = np.argsort(created, kind="stable")
    acct, created = acct[order], created[order]
    title = _categorical(rng, JOB_TITLE_WEIGHTS, m)
    has_title = rng.random(m) >= NO_TITLE_SHARE
    first = _pick(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), m))
    last = _pick(LAST_NAMES, rng.integers(0, len(LAST_NAMES), m))
    domain = domains.normalized.take(pa.array(acct))
    email = _join(first, ".", last, "@", domain)
    email = _with_nulls(email, rng.random(m) >= 0.03)
    return pa.table(
        {
            "contact_id": _ids("CT", np.arange(1, m + 1), max(7, len(str(m)))),
            "account_id": c.ids.account_ids.take(pa.array(acct)),
            "job_title": _pick(JOB_TITLES, title, has_title),
            "email": email,
            "created_at": _timestamps(created),
        }
    )


def opportunities(c: Company) -> pa.Table:
    rng = c.rng(13)
    end = c.calendar.end
    parts: list[dict[str, np.ndarray]] = []

    def part(acct, kind, stage, amount, currency, created, closed) -> None:
        """One kind of opportunity; any not yet created at the end of the data is left out."""
        now = created < end
        closed = np.where(stage == STAGE_OPEN, -1, np.minimum(np.maximum(closed, created), end - 1))
        parts.append(
            {
                "acct": acct[now],
                "kind": np.full(int(now.sum()), kind),
                "stage": stage[now],
                "amount": np.round(amount, 2)[now],
                "currency": currency[now],
                "created": created[now],
                "closed": closed[now],
            }
        )

    # New business won by each customer, closed a few days before its first invoice.
    mine = np.flatnonzero(c.billing.c_kind != 1)
    conv = mine[c.billing.c_kind[mine] == 0]
    acct = c.billing.c_acct[conv]
    first_paid = c.billing.c_start[conv]
    lag = first_paid - c.accounts.created[acct]
    created = c.accounts.created[acct] + (rng.uniform(0.05, 0.5, len(conv)) * lag).astype(np.int64)
    closed = first_paid - rng.integers(0, 6 * DAY, len(conv))
    part(
        acct,
        0,
        np.full(len(conv), STAGE_WON),
        c.billing.c_mrr[conv] * 12,
        c.billing.c_currency[conv],
        created,
        closed,
    )

    # Prospects: lost or still open new business.
    prospects = np.flatnonzero(~c.conversion.converts)
    prospects = prospects[rng.random(len(prospects)) < 0.55]
    created = c.accounts.created[prospects] + rng.integers(0, 30 * DAY, len(prospects))
    closed = created + rng.integers(20 * DAY, 120 * DAY, len(prospects))
    stage = np.where(closed < end, STAGE_LOST, STAGE_OPEN)
    guess = np.round(
        c.conversion.mrr_usd[prospects] * 12 / PRICE_RATE[c.conversion.currency[prospects]], -1
    )
    part(prospects, 0, stage, guess, c.conversion.currency[prospects], created, closed)

    # Expansion: won for every add-on subscription, a few lost or open besides.
    addon = c.billing.s_addon & (c.billing.c_acct[c.billing.s_cust] >= 0)
    cust = c.billing.s_cust[addon]
    start = c.billing.s_start[addon]
    created = np.maximum(
        start - rng.integers(15 * DAY, 60 * DAY, len(cust)), c.billing.c_start[cust]
    )
    part(
        c.billing.c_acct[cust],
        1,
        np.full(len(cust), STAGE_WON),
        c.billing.s_mrr[addon] * 12,
        c.billing.c_currency[cust],
        created,
        start - rng.integers(0, 5 * DAY, len(cust)),
    )
    tried = conv[rng.random(len(conv)) < 0.06]
    alive_until = np.minimum(c.billing.c_cancel[tried], end)
    created = c.billing.c_start[tried] + (
        rng.random(len(tried)) * (alive_until - c.billing.c_start[tried])
    ).astype(np.int64)
    closed = created + rng.integers(20 * DAY, 90 * DAY, len(tried))
    stage = np.where(closed < end, STAGE_LOST, STAGE_OPEN)
    part(
        c.billing.c_acct[tried],
        1,
        stage,
        c.billing.c_mrr[tried] * 12 * 0.3,
        c.billing.c_currency[tried],
        created,
        closed,
    )

    # Renewals of growth and enterprise contracts at the first and second anniversary.
    for years in (1, 2):
        annual = conv[(c.billing.c_kind[conv] == 0) & (rng.random(len(conv)) < 0.6)]
        anniversary = _add_months(c.billing.c_start[annual], np.full(len(annual), 12 * years))
        opened = anniversary - 60 * DAY
        cancel = c.billing.c_cancel[annual]
        ok = (opened < end) & (cancel > opened)
        annual, anniversary, opened, cancel = (
            annual[ok],
            anniversary[ok],
            opened[ok],
            cancel[ok],
        )
        lost = cancel <= anniversary
        stage = np.where(lost, STAGE_LOST, np.where(anniversary < end, STAGE_WON, STAGE_OPEN))
        stage = np.where(lost & (cancel >= end), STAGE_OPEN, stage)
        closed = np.where(lost, cancel, anniversary)
        part(
            c.billing.c_acct[annual],
            2,
            stage,
            c.billing.c_mrr[annual] * 12,
            c.billing.c_currency[annual],
            opened,
            closed,
        )

    cols = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    order = np.argsort(cols["created"], kind="stable")
    cols = {key: value[order] for key, value in cols.items()}
    m = len(order)
    return pa.table(
        {
            "opportunity_id": _ids("OPP", np.arange(1, m + 1), max(7, len(str(m)))),
            "account_id": c.ids.account_ids.take(pa.array(cols["acct"])),
            "opportunity_type": _pick(OPPORTUNITY_TYPES, cols["kind"]),
            "stage": _pick(STAGES, cols["stage"]),
            "amount": _decimals(np.maximum(cols["amount"], 0.0)),
            "currency": _pick(CURRENCIES, cols["currency"]),
            "created_at": _timestamps(cols["created"]),
            "closed_at": _timestamps(cols["closed"], cols["closed"] >= 0),
        }
    )
