{#- Customers acquired in the two drift windows, as of the as-of date: `current` = the last
    drift_window_days days (as-of date included), `reference` = the drift_reference_days days before
    that. With their firmographics and ICP tier. -#}

{%- set window_days = var('drift_window_days') -%}
{%- set reference_days = var('drift_reference_days') -%}
{%- set as_of = icp.as_of_date() -%}

with facts as (

    select * from {{ ref('int_accounts__customer_facts') }}
    where customer_status <> 'prospect'

),

firmographics as (

    select * from {{ ref('int_accounts__firmographics') }}

),

fit as (

    select * from {{ ref('int_icp__account_fit') }}

),

windowed as (

    select
        facts.account_id,
        case
            when cast(facts.first_paid_at as date) > {{ dbt.dateadd('day', -window_days, as_of) }}
                then 'current'
            when
                cast(facts.first_paid_at as date)
                > {{ dbt.dateadd('day', -(window_days + reference_days), as_of) }}
                then 'reference'
        end as drift_window
    from facts
    where cast(facts.first_paid_at as date) <= {{ as_of }}

),

final as (

    select
        windowed.account_id,
        windowed.drift_window,
        {%- for attribute in var('drift_attributes') %}
        firmographics.{{ attribute }},
        {%- endfor %}
        fit.icp_tier
    from windowed
    inner join firmographics
        on windowed.account_id = firmographics.account_id
    left join fit
        on windowed.account_id = fit.account_id
    where windowed.drift_window is not null

)

select * from final
