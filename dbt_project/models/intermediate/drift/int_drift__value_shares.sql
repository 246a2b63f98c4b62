{#- For each PSI signal and value: customers and share in each window, shares floored at 0.0001,
    and the value's contribution (c - r) x ln(c / r) to the population stability index. A null
    attribute counts as its own value; a value seen in one window only has share 0 (floored) in
    the other. Contributions are rounded to 6 decimals, so the PSI is exactly their sum. -#}

{%- set attributes = var('drift_attributes') -%}

with customers as (

    select * from {{ ref('int_drift__window_customers') }}

),

window_sizes as (

    select
        count(case when drift_window = 'current' then 1 end) as current_customers,
        count(case when drift_window = 'reference' then 1 end) as reference_customers
    from customers

),

values_by_window as (

    {%- for attribute in attributes %}
    select
        'psi_{{ attribute }}' as signal,
        {{ attribute }} as value,
        count(case when drift_window = 'current' then 1 end) as current_customers,
        count(case when drift_window = 'reference' then 1 end) as reference_customers
    from customers
    group by {{ attribute }}
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

shares as (

    select
        values_by_window.signal,
        values_by_window.value,
        values_by_window.reference_customers,
        values_by_window.current_customers,
        case
            when window_sizes.reference_customers > 0
                then
                    cast(values_by_window.reference_customers as double)
                    / window_sizes.reference_customers
            else 0
        end as reference_share,
        case
            when window_sizes.current_customers > 0
                then
                    cast(values_by_window.current_customers as double)
                    / window_sizes.current_customers
            else 0
        end as current_share
    from values_by_window
    cross join window_sizes

),

final as (

    select
        shares.*,
        round(
            (greatest(shares.current_share, 0.0001) - greatest(shares.reference_share, 0.0001))
            * ln(greatest(shares.current_share, 0.0001) / greatest(shares.reference_share, 0.0001)),
            6
        ) as contribution
    from shares

)

select * from final
