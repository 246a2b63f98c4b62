{{ config(
    materialized='incremental',
    unique_key='as_of_date',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
    partition_by=(['as_of_date'] if target.type == 'spark' else none),
    on_schema_change='fail',
) }}

{#- Is the customer base moving away from the current ICP? One row per as-of date and signal:
    the PSI of five firmographic distributions between the customers acquired in the current and the
    reference window, the share of them in tier A or B, the share of the best customers in tier A or
    B, and the overall status (the worst signal: alert > warn > insufficient_data > ok).
    A history: each run replaces its as-of date's rows and keeps the other dates. -#}

{%- set min_customers = var('drift_min_customers') -%}

with windows as (

    select * from {{ ref('int_drift__window_customers') }}

),

shares as (

    select * from {{ ref('int_drift__value_shares') }}

),

best_customers as (

    select
        ranked.account_id,
        fit.icp_tier
    from {{ ref('int_icp__best_customers') }} as ranked
    left join {{ ref('int_icp__account_fit') }} as fit
        on ranked.account_id = fit.account_id
    where ranked.is_best_customer

),

window_sizes as (

    select
        count(case when drift_window = 'reference' then 1 end) as reference_customers,
        count(case when drift_window = 'current' then 1 end) as current_customers,
        100.0 * count(case when drift_window = 'reference' and icp_tier in ('A', 'B') then 1 end)
        / nullif(count(case when drift_window = 'reference' then 1 end), 0) as reference_fit_pct,
        100.0 * count(case when drift_window = 'current' and icp_tier in ('A', 'B') then 1 end)
        / nullif(count(case when drift_window = 'current' then 1 end), 0) as current_fit_pct
    from windows

),

psi_signals as (

    {%- for attribute in var('drift_attributes') %}
    select 'psi_{{ attribute }}' as signal
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

psi_values as (

    {#- Customers of each window whose attribute is known: an attribute null for every customer
        of a window has no distribution there to compare (its PSI would be a meaningless 0). #}
    select
        signal,
        sum(contribution) as value,
        sum(case when value is not null then reference_customers else 0 end) as reference_known,
        sum(case when value is not null then current_customers else 0 end) as current_known
    from shares
    group by signal

),

psi as (

    select
        psi_signals.signal,
        cast(window_sizes.reference_customers as double) as reference_value,
        cast(window_sizes.current_customers as double) as current_value,
        coalesce(psi_values.value, 0) as value,
        case
            when
                window_sizes.reference_customers < {{ min_customers }}
                or window_sizes.current_customers < {{ min_customers }}
                or coalesce(psi_values.reference_known, 0) = 0
                or coalesce(psi_values.current_known, 0) = 0
                then 'insufficient_data'
            when psi_values.value >= {{ var('drift_psi_alert') }} then 'alert'
            when psi_values.value >= {{ var('drift_psi_warn') }} then 'warn'
            else 'ok'
        end as status
    from psi_signals
    left join psi_values
        on psi_signals.signal = psi_values.signal
    cross join window_sizes

),

fit_share as (

    select
        'fit_share' as signal,
        reference_fit_pct as reference_value,
        current_fit_pct as current_value,
        current_fit_pct - reference_fit_pct as value,
        case
            when
                reference_customers < {{ min_customers }} or current_customers < {{ min_customers }}
                then 'insufficient_data'
            when reference_fit_pct - current_fit_pct >= {{ var('drift_fit_share_alert_points') }}
                then 'alert'
            when reference_fit_pct - current_fit_pct >= {{ var('drift_fit_share_warn_points') }}
                then 'warn'
            else 'ok'
        end as status
    from window_sizes

),

alignment_pct as (

    select
        count(*) as best_customers,
        100.0 * count(case when icp_tier in ('A', 'B') then 1 end) / nullif(count(*), 0) as pct
    from best_customers

),

alignment as (

    select
        'best_customer_alignment' as signal,
        cast(null as double) as reference_value,
        pct as current_value,
        pct as value,
        case
            when best_customers < {{ min_customers }} then 'insufficient_data'
            when pct < {{ var('drift_alignment_alert_pct') }} then 'alert'
            when pct < {{ var('drift_alignment_warn_pct') }} then 'warn'
            else 'ok'
        end as status
    from alignment_pct

),

signals as (

    select * from psi
    union all
    select * from fit_share
    union all
    select * from alignment

),

overall as (

    select
        'overall' as signal,
        cast(null as double) as reference_value,
        cast(null as double) as current_value,
        cast(null as double) as value,
        case max(case status
            when 'alert' then 4 when 'warn' then 3 when 'insufficient_data' then 2 else 1
        end)
            when 4 then 'alert' when 3 then 'warn' when 2 then 'insufficient_data' else 'ok'
        end as status
    from signals

),

final as (

    select
        {{ icp.as_of_date() }} as as_of_date,
        signal,
        round(reference_value, 4) as reference_value,
        round(current_value, 4) as current_value,
        round(value, 6) as value,
        status
    from (
        select * from signals
        union all
        select * from overall
    ) as all_signals

)

select * from final
