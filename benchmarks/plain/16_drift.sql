-- Drift, as of the as-of date (a fresh build holds that date's rows only): the customers acquired
-- in the current window (the last drift_window_days days) against the reference window (the
-- drift_reference_days days before it). icp_drift_contributions: per PSI signal (one per
-- drift_attributes attribute) and value, its shares (floored at 0.0001 in the PSI) and
-- contribution (c - r) x ln(c / r); icp_drift: the PSIs, the share of new customers in tier A or
-- B, the share of the best customers in tier A or B, and the worst status of them (alert > warn >
-- insufficient_data > ok).

create or replace table drift_customers as
with windowed as (
    select account_id,
        case
            when cast(first_paid_at as date)
                > getvariable('as_of') - to_days(getvariable('drift_window_days')) then 'current'
            when cast(first_paid_at as date) > getvariable('as_of')
                - to_days(getvariable('drift_window_days') + getvariable('drift_reference_days'))
                then 'reference'
        end as drift_window
    from customer_facts
    where customer_status <> 'prospect' and cast(first_paid_at as date) <= getvariable('as_of')
)
select w.account_id, w.drift_window, g.industry, g.employee_band, g.region, g.business_model,
    g.funding_stage, fit_tier(fit.score) as icp_tier
from windowed as w
join firmographics as g using (account_id)
left join account_fit as fit using (account_id)
where w.drift_window is not null;

-- The attributes this file can watch (columns of drift_customers); another one in the var stops.
select error('drift_attributes: ' || attribute || ' is not one the plain build watches')
from unnest(getvariable('drift_attributes')) as t(attribute)
where attribute not in ('industry', 'employee_band', 'region', 'business_model', 'funding_stage');

create or replace table drift_shares as
with sizes as (
    select count(*) filter (where drift_window = 'current') as current_size,
        count(*) filter (where drift_window = 'reference') as reference_size
    from drift_customers
),
by_value as (
    select 'psi_' || attribute as signal, value,
        count(*) filter (where drift_window = 'current') as current_customers,
        count(*) filter (where drift_window = 'reference') as reference_customers
    from drift_customers unpivot include nulls (
        value for attribute in (industry, employee_band, region, business_model, funding_stage)
    )
    where list_contains(getvariable('drift_attributes'), attribute)
    group by all
),
shares as (
    select b.*,
        if(s.reference_size > 0, b.reference_customers / s.reference_size, 0) as reference_share,
        if(s.current_size > 0, b.current_customers / s.current_size, 0) as current_share
    from by_value as b cross join sizes as s
)
select *,
    round((greatest(current_share, 0.0001) - greatest(reference_share, 0.0001))
        * ln(greatest(current_share, 0.0001) / greatest(reference_share, 0.0001)), 6)
        as contribution
from shares;

create or replace table icp_drift_contributions as
select getvariable('as_of') as as_of_date, signal, value, reference_customers, current_customers,
    round(reference_share, 6) as reference_share, round(current_share, 6) as current_share,
    round(contribution, 6) as contribution
from drift_shares;

create or replace table icp_drift as
with sizes as (
    select count(*) filter (where drift_window = 'reference') as reference_customers,
        count(*) filter (where drift_window = 'current') as current_customers,
        100.0 * count(*) filter (where drift_window = 'reference' and icp_tier in ('A', 'B'))
            / nullif(count(*) filter (where drift_window = 'reference'), 0) as reference_fit_pct,
        100.0 * count(*) filter (where drift_window = 'current' and icp_tier in ('A', 'B'))
            / nullif(count(*) filter (where drift_window = 'current'), 0) as current_fit_pct
    from drift_customers
),
psi_values as (
    select signal, sum(contribution) as value,
        sum(reference_customers) filter (where value is not null) as reference_known,
        sum(current_customers) filter (where value is not null) as current_known
    from drift_shares
    group by all
),
psi as (
    select 'psi_' || attribute as signal, cast(s.reference_customers as double) as reference_value,
        cast(s.current_customers as double) as current_value, coalesce(p.value, 0) as value,
        case
            when s.reference_customers < getvariable('drift_min_customers')
                or s.current_customers < getvariable('drift_min_customers')
                or coalesce(p.reference_known, 0) = 0 or coalesce(p.current_known, 0) = 0
                then 'insufficient_data'
            when p.value >= getvariable('drift_psi_alert') then 'alert'
            when p.value >= getvariable('drift_psi_warn') then 'warn'
            else 'ok'
        end as status
    from unnest(getvariable('drift_attributes')) as t(attribute)
    left join psi_values as p on p.signal = 'psi_' || t.attribute
    cross join sizes as s
),
fit_share as (
    select 'fit_share' as signal, reference_fit_pct, current_fit_pct,
        current_fit_pct - reference_fit_pct,
        case
            when reference_customers < getvariable('drift_min_customers')
                or current_customers < getvariable('drift_min_customers') then 'insufficient_data'
            when reference_fit_pct - current_fit_pct >= getvariable('drift_fit_share_alert_points')
                then 'alert'
            when reference_fit_pct - current_fit_pct >= getvariable('drift_fit_share_warn_points')
                then 'warn'
            else 'ok'
        end
    from sizes
),
alignment as (
    select count(*) as best_customers,
        100.0 * count(*) filter (where fit_tier(fit.score) in ('A', 'B')) / nullif(count(*), 0)
            as pct
    from best_customers as b
    left join account_fit as fit using (account_id)
    where b.is_best_customer
),
signals as (
    select * from psi
    union all
    select * from fit_share
    union all
    select 'best_customer_alignment', null, pct, pct,
        case
            when best_customers < getvariable('drift_min_customers') then 'insufficient_data'
            when pct < getvariable('drift_alignment_alert_pct') then 'alert'
            when pct < getvariable('drift_alignment_warn_pct') then 'warn'
            else 'ok'
        end
    from alignment
)
select getvariable('as_of') as as_of_date, signal, round(reference_value, 4) as reference_value,
    round(current_value, 4) as current_value, round(value, 6) as value, status
from (
    select * from signals
    union all
    select 'overall', null, null, null,
        ['ok', 'insufficient_data', 'warn', 'alert'][max(case status
            when 'alert' then 4 when 'warn' then 3 when 'insufficient_data' then 2 else 1 end)]
    from signals
);
