{#- One row per CRM account with what billing says about it as of the as-of date: whether it is a
    customer (a paid invoice with a positive net amount), since when, what it has paid and pays now.
    Billing customers without a CRM account are left out here (they stay in the load audit). -#}

with accounts as (

    select account_id from {{ ref('stg_crm__accounts') }}

),

invoices as (

    select * from {{ ref('int_billing__invoices_usd') }}
    where account_id is not null

),

subscriptions as (

    select * from {{ ref('int_billing__subscriptions_as_of') }}
    where account_id is not null

),

paid_invoices as (

    select
        account_id,
        min(case when net_amount_usd > 0 then issued_at end) as first_paid_at,
        sum(net_amount_usd) as lifetime_revenue_usd
    from invoices
    where status = 'paid'
    group by account_id

),

subscription_facts as (

    select
        account_id,
        sum(case when is_live_as_of then mrr_usd else 0 end) as mrr_usd,
        max(canceled_at) as last_canceled_at
    from subscriptions
    group by account_id

),

joined as (

    select
        accounts.account_id,
        paid_invoices.first_paid_at,
        subscription_facts.last_canceled_at,
        paid_invoices.first_paid_at is not null as is_customer,
        case
            when paid_invoices.first_paid_at is not null then paid_invoices.lifetime_revenue_usd
        end
            as lifetime_revenue_usd,
        case
            when
                paid_invoices.first_paid_at is not null
                then coalesce(subscription_facts.mrr_usd, 0)
        end
            as mrr_usd
    from accounts
    left join paid_invoices
        on accounts.account_id = paid_invoices.account_id
    left join subscription_facts
        on accounts.account_id = subscription_facts.account_id

),

statused as (

    select
        joined.*,
        case
            when not joined.is_customer then 'prospect'
            when joined.mrr_usd > 0 then 'active'
            else 'churned'
        end as customer_status
    from joined

),

final as (

    select
        account_id,
        customer_status,
        first_paid_at,
        {{ icp.month_of('first_paid_at') }} as acquisition_month,
        case when customer_status = 'churned' then last_canceled_at end as churned_at,
        case
            when is_customer then
                greatest(
                {{ icp.whole_months_between(
                    'first_paid_at',
                    "coalesce(case when customer_status = 'churned' then last_canceled_at end, " ~ icp.as_of_date() ~ ")"
                ) }},
                    1
                )
        end as tenure_months,
        lifetime_revenue_usd,
        mrr_usd
    from statused

)

select * from final
