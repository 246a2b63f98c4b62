{#- Spend that acquired nobody: a channel-month's marketing spend with no new customer through that
    channel, and a month's sales cost with no new customer at all. With the customers' CAC it adds
    up to all spend (tested). -#}

with spend as (

    select * from {{ ref('int_spend__monthly_usd') }}

),

channel_months as (

    select * from {{ ref('int_cac__channel_months') }}

),

acquiring_months as (

    select month
    from channel_months
    group by month
    having sum(new_customers) > 0

),

unattributed_marketing as (

    select
        spend.month,
        spend.channel,
        spend.kind,
        spend.amount_usd
    from spend
    inner join channel_months
        on
            spend.month = channel_months.month
            and spend.channel = channel_months.channel
    where
        spend.kind = 'marketing'
        and channel_months.new_customers = 0

),

unattributed_sales as (

    select
        spend.month,
        spend.channel,
        spend.kind,
        spend.amount_usd
    from spend
    left join acquiring_months
        on spend.month = acquiring_months.month
    where
        spend.kind = 'sales'
        and acquiring_months.month is null

),

final as (

    select
        month,
        channel,
        kind,
        {{ icp.mart_money('amount_usd') }} as amount_usd
    from unattributed_marketing
    union all
    select
        month,
        channel,
        kind,
        {{ icp.mart_money('amount_usd') }} as amount_usd
    from unattributed_sales

)

select * from final
