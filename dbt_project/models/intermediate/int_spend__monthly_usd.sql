{#- Everything CAC divides, in USD per month: marketing spend per channel (kind `marketing`) and the
    sales team's cost (kind `sales`, no channel). Each amount at its own month's rate. -#}

with marketing as (

    select * from {{ ref('stg_spend__marketing_spend') }}

),

sales as (

    select * from {{ ref('stg_spend__sales_costs') }}

),

marketing_usd as (

    select
        {{ icp.month_of('marketing.spend_date') }} as month,
        marketing.channel,
        'marketing' as kind,
        {{ icp.to_usd('marketing.amount', 'fx.rate_to_usd') }} as amount_usd
    from marketing
    {{ icp.join_usd_rate('fx', 'marketing.currency', icp.month_of('marketing.spend_date')) }}

),

sales_usd as (

    select
        {{ icp.month_of('sales.month') }} as month,
        cast(null as {{ dbt.type_string() }}) as channel,
        'sales' as kind,
        {{ icp.to_usd('sales.amount', 'fx.rate_to_usd') }} as amount_usd
    from sales
    {{ icp.join_usd_rate('fx', 'sales.currency', icp.month_of('sales.month')) }}

),

unioned as (

    select * from marketing_usd
    union all
    select * from sales_usd

),

final as (

    select
        month,
        channel,
        kind,
        sum(amount_usd) as amount_usd
    from unioned
    group by month, channel, kind

)

select * from final
