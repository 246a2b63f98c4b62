{#- What the LTV-based figures rest on, where it weakens them (int_icp__trust_signals decides
    when): LTV on the lifetime cap, no churn observed, and suggestions whose lift comes from capped
    lifetimes rather than from what their customers paid. One row per warning. -#}

with trust_signals as (

    select * from {{ ref('int_icp__trust_signals') }}

),

final as (

    select
        signal,
        attribute,
        value,
        customers,
        of_customers,
        lift,
        realised_lift
    from trust_signals
    where is_warning

)

select * from final
