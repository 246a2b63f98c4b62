with channel_months as (

    select * from {{ ref('int_cac__channel_months') }}

),

final as (

    select
        month,
        channel,
        new_customers,
        {{ icp.mart_money('marketing_spend_usd') }} as marketing_spend_usd,
        {{ icp.mart_money('channel_cac_usd') }} as channel_cac_usd,
        {{ icp.mart_money('sales_cac_usd') }} as sales_cac_usd
    from channel_months

)

select * from final
