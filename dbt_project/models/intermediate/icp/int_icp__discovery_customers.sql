{#- The customer populations ICP discovery learns from, each ranked by LTV with its own best
    customers (the first ceil(best_customer_share x customers), ties by account_id):
    `all` (every customer: marts.icp_suggestions and the proposed version) and `training` (the
    customers acquired before the holdout: the proposal whose holdout_auc is reported) and
    `realised` (every customer ranked by revenue paid so far instead of LTV: the trust check of
    suggestions whose LTV rests on the lifetime cap). -#}

with best_customers as (

    select * from {{ ref('int_icp__best_customers') }}

),

accounts as (

    select * from {{ ref('int_icp__backtest_accounts') }}

),

facts as (

    select * from {{ ref('int_accounts__customer_facts') }}

),

training as (

    select
        account_id,
        ltv_usd
    from accounts
    where is_training

),

realised_ranked as (

    select
        best_customers.account_id,
        best_customers.ltv_usd,
        row_number() over (
            order by round(facts.lifetime_revenue_usd, 2) desc, best_customers.account_id
        ) as revenue_rank,
        count(*) over () as customers
    from best_customers
    inner join facts
        on best_customers.account_id = facts.account_id

),

training_ranked as (

    select
        account_id,
        ltv_usd,
        row_number() over (order by ltv_usd desc, account_id asc) as ltv_rank,
        count(*) over () as customers
    from training

),

final as (

    select
        'all' as population,
        account_id,
        ltv_usd,
        is_best_customer
    from best_customers
    union all
    select
        'training' as population,
        account_id,
        ltv_usd,
        {{ is_best_customer('ltv_rank', 'customers') }} as is_best_customer
    from training_ranked
    union all
    select
        'realised' as population,
        account_id,
        ltv_usd,
        {{ is_best_customer('revenue_rank', 'customers') }} as is_best_customer
    from realised_ranked

)

select * from final
