{#- LTV and CAC per customer account: ARPA, the churn rate of its segment (or overall), expected
    lifetime, LTV, CAC from the channel-month allocation, LTV:CAC and payback. Prospects get nulls. -#}

with facts as (

    select * from {{ ref('int_accounts__customer_facts') }}

),

firmographics as (

    select * from {{ ref('int_accounts__firmographics') }}

),

churn_rates as (

    select * from {{ ref('int_customers__churn_rates') }}

),

overall_churn as (

    select * from churn_rates
    where segment_kind = 'all'

),

channel_months as (

    select * from {{ ref('int_cac__channel_months') }}

),

customers as (

    select
        facts.*,
        firmographics.industry,
        firmographics.employee_band,
        firmographics.acquisition_channel,
        case
            when facts.customer_status = 'active' then facts.mrr_usd
            when facts.customer_status = 'churned'
                then {{ icp.divide_money('facts.lifetime_revenue_usd', 'facts.tenure_months') }}
        end as arpa_usd
    from facts
    inner join firmographics
        on facts.account_id = firmographics.account_id
    where facts.customer_status <> 'prospect'

),

with_churn as (

    select
        customers.*,
        case
            when segment.segment_kind is not null then segment.monthly_churn_rate
            else overall.monthly_churn_rate
        end as monthly_churn_rate
    from customers
    left join churn_rates as segment
        on
            segment.segment_kind = 'segment'
            and customers.industry = segment.industry
            and customers.employee_band = segment.employee_band
    cross join overall_churn as overall

),

with_lifetime as (

    select
        with_churn.*,
        case
            when with_churn.monthly_churn_rate is null or with_churn.monthly_churn_rate = 0
                then {{ var('ltv_max_lifetime_months') }}
            else least(1.0 / with_churn.monthly_churn_rate, {{ var('ltv_max_lifetime_months') }})
        end as expected_lifetime_months
    from with_churn

),

with_values as (

    select
        with_lifetime.*,
        case
            when with_lifetime.customer_status = 'churned'
                then cast(
                    with_lifetime.lifetime_revenue_usd * {{ var('gross_margin') }}
                    as {{ icp.money_type() }}
                )
            else cast(
                with_lifetime.arpa_usd * {{ var('gross_margin') }}
                * with_lifetime.expected_lifetime_months
                as {{ icp.money_type() }}
            )
        end as ltv_usd,
        coalesce(channel_months.channel_cac_usd, 0) + coalesce(channel_months.sales_cac_usd, 0)
            as cac_usd
    from with_lifetime
    left join channel_months
        on
            with_lifetime.acquisition_month = channel_months.month
            and with_lifetime.acquisition_channel = channel_months.channel

),

final as (

    select
        account_id,
        arpa_usd,
        monthly_churn_rate,
        expected_lifetime_months,
        ltv_usd,
        cac_usd,
        case
            when cac_usd <> 0 then cast(ltv_usd as double) / cast(cac_usd as double)
        end as ltv_to_cac,
        case
            when arpa_usd * {{ var('gross_margin') }} <> 0
                then
                    cast(cac_usd as double)
                    / (cast(arpa_usd as double) * {{ var('gross_margin') }})
        end as cac_payback_months
    from with_values

)

select * from final
