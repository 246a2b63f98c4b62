{{ config(
    materialized='incremental',
    unique_key='as_of_date',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
    partition_by=(['as_of_date'] if target.type == 'spark' else none),
    on_schema_change='fail',
) }}

{#- Which values moved: for every PSI signal and attribute value, its share of the customers
    acquired in the reference and the current window, and its contribution to the PSI (they sum to
    the signal's value in icp_drift). A history: each run replaces its as-of date's rows. -#}

with shares as (

    select * from {{ ref('int_drift__value_shares') }}

),

final as (

    select
        {{ icp.as_of_date() }} as as_of_date,
        signal,
        value,
        reference_customers,
        current_customers,
        round(reference_share, 6) as reference_share,
        round(current_share, 6) as current_share,
        round(contribution, 6) as contribution
    from shares

)

select * from final
