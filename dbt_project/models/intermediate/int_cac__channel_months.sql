{#- CAC allocation, one row per month and channel that had marketing spend or acquired a customer:
    each new customer carries an equal share of its channel's marketing spend in its acquisition
    month (channel_cac_usd) and of that month's sales cost (sales_cac_usd). -#}

with customers as (

    select
        facts.acquisition_month as month,
        firmographics.acquisition_channel as channel
    from {{ ref('int_accounts__customer_facts') }} as facts
    inner join {{ ref('int_accounts__firmographics') }} as firmographics
        on facts.account_id = firmographics.account_id
    where facts.customer_status <> 'prospect'

),

spend as (

    select * from {{ ref('int_spend__monthly_usd') }}

),

new_customers as (

    select
        month,
        channel,
        count(*) as new_customers
    from customers
    group by month, channel

),

marketing as (

    select
        month,
        channel,
        amount_usd as marketing_spend_usd
    from spend
    where kind = 'marketing'

),

sales as (

    select
        month,
        amount_usd as sales_cost_usd
    from spend
    where kind = 'sales'

),

month_customers as (

    select
        month,
        sum(new_customers) as month_new_customers
    from new_customers
    group by month

),

channel_months as (

    select
        coalesce(marketing.month, new_customers.month) as month,
        coalesce(marketing.channel, new_customers.channel) as channel,
        coalesce(marketing.marketing_spend_usd, 0) as marketing_spend_usd,
        coalesce(new_customers.new_customers, 0) as new_customers
    from marketing
    full outer join new_customers
        on
            marketing.month = new_customers.month
            and marketing.channel = new_customers.channel

),

final as (

    select
        channel_months.month,
        channel_months.channel,
        channel_months.marketing_spend_usd,
        channel_months.new_customers,
        case
            when channel_months.new_customers > 0
                then {{ icp.divide_money(
                    'channel_months.marketing_spend_usd', 'channel_months.new_customers'
                ) }}
        end as channel_cac_usd,
        case
            when month_customers.month_new_customers > 0
                then {{ icp.divide_money(
                    'coalesce(sales.sales_cost_usd, 0)', 'month_customers.month_new_customers'
                ) }}
        end as sales_cac_usd
    from channel_months
    left join month_customers
        on channel_months.month = month_customers.month
    left join sales
        on channel_months.month = sales.month

)

select * from final
