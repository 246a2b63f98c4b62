{#- Subscriptions as they stood on the as-of date, MRR in USD at the as-of month's rate.
    A cancellation dated after the as-of date has not happened yet as of that date, so such a
    subscription still counts as live and its cancellation is not yet a churn. -#}

with subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

customers as (

    select * from {{ ref('stg_billing__customers') }}

),

dated as (

    select
        subscriptions.*,
        customers.account_id,
        subscriptions.canceled_at is not null
        and cast(subscriptions.canceled_at as date) <= {{ icp.as_of_date() }} as is_canceled_as_of
    from subscriptions
    inner join customers
        on subscriptions.customer_id = customers.customer_id

),

converted as (

    select
        dated.subscription_id,
        dated.customer_id,
        dated.account_id,
        dated.plan,
        dated.status,
        dated.started_at,
        case when dated.is_canceled_as_of then dated.canceled_at end as canceled_at,
        (
            (dated.status in ('active', 'past_due') and not dated.is_canceled_as_of)
            or (
                dated.status = 'canceled'
                and dated.canceled_at is not null
                and not dated.is_canceled_as_of
            )
        ) as is_live_as_of,
        {{ icp.to_usd('dated.mrr', 'fx.rate_to_usd') }} as mrr_usd
    from dated
    {{ icp.join_usd_rate('fx', 'dated.currency', icp.month_of(icp.as_of_date())) }}

)

select * from converted
