-- fct_cac (per month and channel with spend or a new customer: spend, new customers, the channel
-- and sales CAC) and fct_unattributed_spend (spend that acquired nobody: a channel-month's
-- marketing spend without a new customer through it, a month's sales cost without any new
-- customer). With the customers' CAC it adds up to all spend.

create or replace table fct_cac as
select month, channel, new_customers, cents(marketing_spend_usd) as marketing_spend_usd,
    cents(channel_cac_usd) as channel_cac_usd, cents(sales_cac_usd) as sales_cac_usd
from cac_channel_months;

create or replace table fct_unattributed_spend as
select s.month, s.channel, s.kind, cents(s.amount_usd) as amount_usd
from spend_monthly as s
join cac_channel_months as c on s.month = c.month and s.channel = c.channel
where s.kind = 'marketing' and c.new_customers = 0
union all
select month, channel, kind, cents(amount_usd)
from spend_monthly
where kind = 'sales' and month not in (
    select month from cac_channel_months group by month having sum(new_customers) > 0);
