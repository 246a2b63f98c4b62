{#- Every account with what the back-test compares tiers on: whether it became a customer, its LTV
    and CAC (to the cent, as dim_accounts shows them), whether it is a best customer, whether it was
    acquired in the holdout (the last `backtest_holdout_days` days before the as-of date) or before
    (the training customers the holdout proposal learns from), and its 12-month retention: a
    customer whose first_paid_at is at least 12 months before the as-of date is `retained_12m`
    unless it churned on or before its first anniversary. A churned customer with no cancellation
    date cannot be placed and is left out of retention (as of the churn rate). -#}

with facts as (

    select * from {{ ref('int_accounts__customer_facts') }}

),

unit_economics as (

    select * from {{ ref('int_accounts__unit_economics') }}

),

best_customers as (

    select * from {{ ref('int_icp__best_customers') }}

),

as_of as (

    select as_of_date from {{ ref('stg_run__as_of_date') }}

),

joined as (

    select
        facts.account_id,
        facts.customer_status,
        facts.customer_status <> 'prospect' as is_customer,
        facts.first_paid_at,
        facts.churned_at,
        round(unit_economics.ltv_usd, 2) as ltv_usd,
        round(unit_economics.cac_usd, 2) as cac_usd,
        coalesce(best_customers.is_best_customer, false) as is_best_customer,
        cast(facts.first_paid_at as date) as first_paid_date,
        cast({{ dbt.dateadd('month', 12, 'cast(facts.first_paid_at as date)') }} as date)
            as anniversary,
        as_of.as_of_date,
        cast({{ dbt.dateadd('day', -var('backtest_holdout_days'), 'as_of.as_of_date') }} as date)
            as holdout_start
    from facts
    cross join as_of
    left join unit_economics
        on facts.account_id = unit_economics.account_id
    left join best_customers
        on facts.account_id = best_customers.account_id

),

final as (

    select
        account_id,
        customer_status,
        is_customer,
        first_paid_at,
        churned_at,
        ltv_usd,
        cac_usd,
        is_best_customer,
        is_customer and first_paid_date > holdout_start as is_holdout,
        is_customer and first_paid_date <= holdout_start as is_training,
        is_customer and anniversary <= as_of_date
        and not (customer_status = 'churned' and churned_at is null) as is_retention_eligible,
        case
            when
                is_customer and anniversary <= as_of_date
                and not (customer_status = 'churned' and churned_at is null)
                then churned_at is null or cast(churned_at as date) > anniversary
        end as is_retained_12m
    from joined

)

select * from final
